// Written by bench/rtl-resource-fit.cs --write (do not edit): 234 parts of 45 designs, per design, ridge 0.05, weight power 0.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts.</summary>
    private static readonly double[] Ice40 = [0.876, 1.517, 0.961, 0.608, 0.970, 0.990, 0.720, 0.823, 0.977, 0.774, 0.671];
}
