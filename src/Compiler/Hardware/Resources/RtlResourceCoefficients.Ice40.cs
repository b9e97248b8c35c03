// Written by bench/rtl-resource-fit.cs --write (do not edit): 72 parts of 14 designs, ridge 0.05.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, gates.</summary>
    private static readonly double[] Ice40 = [0.606, 1.126, 2.752, 1.073, 0.944, 0.653, 0.497, 0.000];
}
