// Written by bench/rtl-resource-fit.cs --write (do not edit): 187 parts of 37 designs, per design, ridge 0.05, weight power 0.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Ice40 = [0.972, 1.155, 0.957, 0.634, 0.963, 0.909, 0.732, 1.178, 0.989, 0.852];
}
