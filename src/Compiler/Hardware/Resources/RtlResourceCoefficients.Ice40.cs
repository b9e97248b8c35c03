// Written by bench/rtl-resource-fit.cs --write (do not edit): 76 parts of 15 designs, ridge 0.05.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Ice40 = [0.515, 1.009, 2.655, 1.005, 0.936, 0.663, 0.659, 0.000, 0.000];
}
