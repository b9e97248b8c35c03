// Written by bench/rtl-resource-fit.cs --write (do not edit): 262 parts of 51 designs, per design, ridge 0.03, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts, ROM cascades.</summary>
    private static readonly double[] Xc7 = [0.615, 1.696, 0.868, 0.507, 0.888, 0.981, 0.794, 0.454, 1.000, 1.047, 1.071, 2.831];
}
