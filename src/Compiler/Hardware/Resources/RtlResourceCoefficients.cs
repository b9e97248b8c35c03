using HwFlow.Compiler.Hardware.Compression;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// yosys LUTs per counted LUT, per class and fabric, fitted by bench/rtl-resource-fit.cs
/// (bench/results/rtl-resource-fit/). 1 where no fit has been made.
/// </summary>
public static class RtlResourceCoefficients
{
    public static double For(LogicFabric fabric, LutClass c) => fabric switch
    {
        _ => 1.0,
    };

    /// <summary>The fitted LUT estimate of a counted part.</summary>
    public static double Luts(RtlPartCount part, LogicFabric fabric) => part.Luts.Sum(p => For(fabric, p.Key) * p.Value);
}
