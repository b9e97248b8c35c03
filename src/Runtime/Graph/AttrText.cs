using System.Globalization;

namespace HwFlow.Runtime.Graph;

/// <summary>How numbers appear in the canonical text: shortest round-trip form, reals always with a '.' or an exponent.</summary>
public static class AttrText
{
    public static string Real(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
