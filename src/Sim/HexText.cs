using System.Numerics;
using System.Text;

namespace HwFlow.Sim;

/// <summary>Lowercase hex without leading zeros ("0" for zero): the one spelling C# traces and the C++ harnesses share.</summary>
public static class HexText
{
    public static string Of(BigInteger value)
    {
        if (value.Sign < 0) throw new ArgumentOutOfRangeException(nameof(value), "signal values are unsigned");
        if (value.IsZero) return "0";
        var words = new List<ulong>();
        for (var v = value; !v.IsZero; v >>= 64) words.Add((ulong)(v & ulong.MaxValue));
        var text = new StringBuilder(words[^1].ToString("x"));
        for (int i = words.Count - 2; i >= 0; i--) text.Append(words[i].ToString("x16"));
        return text.ToString();
    }
}
