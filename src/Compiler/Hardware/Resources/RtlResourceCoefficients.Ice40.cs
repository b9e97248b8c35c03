// Written by bench/rtl-resource-fit.cs --write (do not edit): 260 parts of 49 designs, per design, ridge 0.02, weight power 0.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts, ROM cascades.</summary>
    private static readonly double[] Ice40 = [0.867, 1.714, 0.916, 0.279, 0.955, 0.975, 0.805, 1.160, 0.923, 0.676, 0.693, 1.000];
}
