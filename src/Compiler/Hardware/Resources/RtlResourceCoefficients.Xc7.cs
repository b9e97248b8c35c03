// Written by bench/rtl-resource-fit.cs --write (do not edit): 271 parts of 52 designs, per design, ridge 0.03, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts, ROM cascades.</summary>
    private static readonly double[] Xc7 = [0.623, 1.656, 0.825, 0.528, 0.837, 0.971, 0.797, 0.276, 1.000, 1.094, 1.105, 2.919];
}
