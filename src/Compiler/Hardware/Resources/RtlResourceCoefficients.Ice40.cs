// Written by bench/rtl-resource-fit.cs --write (do not edit): 160 parts of 31 designs, ridge 0.05.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Ice40 = [0.874, 1.646, 0.860, 1.982, 0.858, 0.839, 0.783, 0.507, 0.246, 0.000];
}
