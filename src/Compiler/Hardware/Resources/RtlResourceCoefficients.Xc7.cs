// Written by bench/rtl-resource-fit.cs --write (do not edit): 224 parts of 44 designs, per design, ridge 0.03, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates, shifts, ROM cascades.</summary>
    private static readonly double[] Xc7 = [0.344, 1.891, 1.005, 0.794, 1.033, 0.979, 0.708, 0.222, 1.000, 1.232, 1.139, 2.246];
}
