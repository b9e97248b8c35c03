using System.Text.RegularExpressions;

namespace HwFlow.Runtime.Onnx;

/// <summary>
/// The integer data types of FINN-ONNX's finn_datatype quantization annotations: BIPOLAR (+-1),
/// BINARY (0/1), TERNARY (-1/0/1), INTn and UINTn. Float and fixed-point types carry no integer levels.
/// </summary>
internal sealed partial record FinnDataType(string Name, long Min, long Max, bool Bipolar)
{
    public const string AnnotationKey = "finn_datatype";

    /// <summary>The integer type named <paramref name="name"/>, or null for a type without integer levels (FLOAT32, FIXED, SCALEDINT).</summary>
    public static FinnDataType? Parse(string name, int maxBits)
    {
        switch (name)
        {
            case "BIPOLAR": return new(name, -1, 1, true);
            case "BINARY": return new(name, 0, 1, false);
            case "TERNARY": return new(name, -1, 1, false);
        }
        var match = IntPattern().Match(name);
        if (!match.Success) return null;
        int bits = int.Parse(match.Groups[2].Value);
        if (bits < 1 || bits > maxBits) throw new OnnxGraphError($"{AnnotationKey} {name} is {bits} bits, wider than supported (1 to {maxBits} bits)");
        return match.Groups[1].Value == "U"
            ? new(name, 0, (1L << bits) - 1, false)
            : new(name, -(1L << (bits - 1)), (1L << (bits - 1)) - 1, false);
    }

    public bool Holds(double value) =>
        value == Math.Round(value) && value >= Min && value <= Max && (!Bipolar || value != 0);

    [GeneratedRegex("^(U?)INT([0-9]+)$")]
    private static partial Regex IntPattern();
}
