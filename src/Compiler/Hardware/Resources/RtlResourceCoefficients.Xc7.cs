// Written by bench/rtl-resource-fit.cs --write (do not edit): 18 parts of 4 designs, ridge 0.05.
namespace HwFlow.Compiler.Hardware.Resources;

public static partial class RtlResourceCoefficients
{
    /// <summary>Per <see cref="LutClass"/>, in its order: adders, popcount adders, comparisons, popcount counters, multiplexers, logic memories, block RAM cascades, block RAM bypasses, gates.</summary>
    private static readonly double[] Xc7 = [0.524, 1.000, 1.039, 1.000, 0.935, 1.011, 1.073, 1.000, 0.398];
}
