// Written by bench/rtl-resource-fit.cs --write (do not edit): 187 parts of 36 designs, per design, ridge 0.05, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Xc7 = [0.433, 1.593, 0.978, 0.795, 0.978, 0.994, 0.713, 0.642, 1.000, 1.197];
}
