// Written by bench/rtl-resource-fit.cs --write (do not edit): 187 parts of 36 designs, per design, ridge 0.05, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts.</summary>
    private static readonly double[] Xc7 = [0.432, 1.612, 0.977, 0.818, 0.977, 0.979, 0.711, 0.637, 1.000, 1.222, 1.111];
}
