// Written by bench/rtl-resource-fit.cs --write (do not edit): 271 parts of 52 designs, per design, ridge 0.03, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts, ROM cascades, small adder trees.</summary>
    private static readonly double[] Xc7 = [0.619, 1.746, 0.843, 0.849, 0.811, 0.969, 0.861, 0.634, 1.000, 1.033, 1.123, 2.705, 0.610];
}
