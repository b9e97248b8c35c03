// Written by bench/rtl-resource-fit.cs --write (do not edit): 258 parts of 50 designs, per design, ridge 0.03, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts, ROM cascades.</summary>
    private static readonly double[] Xc7 = [0.656, 1.699, 0.854, 0.517, 0.868, 0.982, 0.763, 0.443, 1.000, 0.999, 1.074, 2.831];
}
