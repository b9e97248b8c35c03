// Written by bench/rtl-resource-fit.cs --write (do not edit): 18 parts of 4 designs, ridge 0.05.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, adder trees, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Xc7 = [0.513, 0.788, 1.000, 1.029, 1.000, 0.931, 0.940, 1.021, 1.000, 0.775];
}
