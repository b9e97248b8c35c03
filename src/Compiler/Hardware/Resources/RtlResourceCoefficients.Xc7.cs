// Written by bench/rtl-resource-fit.cs --write (do not edit): 65 parts of 13 designs, per design, ridge 0.05, weight power 1.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Xc7 = [0.680, 1.227, 0.968, 0.781, 0.958, 0.980, 0.688, 1.015, 1.000, 1.207];
}
