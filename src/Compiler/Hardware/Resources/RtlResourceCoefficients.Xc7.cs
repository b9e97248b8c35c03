// Written by bench/rtl-resource-fit.cs --write (do not edit): 182 parts of 35 designs, per design, ridge 0.05, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Xc7 = [0.440, 1.597, 0.978, 0.794, 0.976, 0.991, 0.716, 0.644, 1.000, 1.192];
}
