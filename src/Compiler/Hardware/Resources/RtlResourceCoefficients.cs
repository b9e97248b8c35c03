using HwFlow.Compiler.Hardware.Compression;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// yosys LUTs per counted LUT, per <see cref="LutClass"/> and fabric, fitted by
/// bench/rtl-resource-fit.cs (which writes the Ice40 / Xc7 parts; residuals in
/// bench/results/rtl-resource-fit/). Flip-flops need none: they are counted one for one.
/// </summary>
public static partial class RtlResourceCoefficients
{
    public static double For(LogicFabric fabric, LutClass c)
    {
        var table = fabric == LogicFabric.Lut6 ? Xc7 : Ice40;
        if ((int)c < table.Length) return table[(int)c];
        // a class split off after the table was fitted keeps the coefficient of the class it came from
        // until a refit gives it its own (iCE40 never splits small adder trees off)
        return c == LutClass.SmallAdderTree ? For(fabric, LutClass.AdderTree) : 1.0;
    }

    /// <summary>The fitted LUT estimate of a counted part.</summary>
    public static double Luts(RtlPartCount part, LogicFabric fabric) => part.Luts.Sum(p => For(fabric, p.Key) * p.Value);
}
