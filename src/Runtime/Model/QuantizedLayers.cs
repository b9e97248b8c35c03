using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Model;

/// <summary>The rounding modes of QONNX's Quant and Trunc (model.yaml spells them as QONNX does).</summary>
public enum RoundingMode
{
    /// <summary>ROUND: to nearest, ties to even (numpy's round).</summary>
    Round,
    Ceil,
    Floor,

    /// <summary>UP: away from zero.</summary>
    Up,

    /// <summary>DOWN: toward zero.</summary>
    Down,

    /// <summary>HALF_UP: to nearest, ties away from zero.</summary>
    HalfUp,

    /// <summary>HALF_DOWN: to nearest, ties toward zero.</summary>
    HalfDown,
}

/// <summary>A layer whose output takes a few integer levels times a scale: it needs its own line in `hwflow info`.</summary>
public interface IQuantizedLayer
{
    /// <summary>How `hwflow info` describes its quantization, e.g. "2-bit signed narrow".</summary>
    string Quantization { get; }

    /// <summary>Bits its parameters take as deployed (integer weights at their width, thresholds as float32).</summary>
    long DeployedBits { get; }
}

/// <summary>y_j = scale_j * x_j + bias_j: a folded chain of elementwise constants (input scaling, TensorNorm).</summary>
public sealed record Affine(FeatureValues Scale, FeatureValues Bias) : Layer
{
    public override string Type => "Affine";

    public override bool PreservesNonNegative => Scale.All(v => v >= 0) && Bias.All(v => v >= 0);

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() => Scale.Vector("scale").Concat(Bias.Vector("bias"));

    public override IEnumerable<(string Key, string Value)> Settings() => Scale.Inline("scale").Concat(Bias.Inline("bias"));
}

/// <summary>
/// QONNX Quant (IntQuant): q = clamp(x / scale + zeroPoint, min, max) rounded, y = (q - zeroPoint) * scale,
/// with [min, max] the signed, narrow or unsigned range of <see cref="Bits"/> bits (1 bit signed is bipolar, as QONNX has it).
/// </summary>
public sealed record Quant(FeatureValues Scale, FeatureValues ZeroPoint, int Bits, bool Signed, bool Narrow, RoundingMode Rounding) : Layer, IQuantizedLayer
{
    public const int MaxBits = 8;

    public override string Type => "Quant";

    public override bool OutputAlwaysNonNegative => !Signed && Scale.All(v => v > 0) && ZeroPoint.All(v => v <= 0);

    public long MinLevel => Signed ? -(1L << (Bits - 1)) + (Narrow ? 1 : 0) : 0;

    public long MaxLevel => Signed ? (1L << (Bits - 1)) - 1 : (1L << Bits) - 1 - (Narrow ? 1 : 0);

    /// <summary>1-bit signed Quant is bipolar (+-1), as QONNX executes it.</summary>
    public bool Bipolar => Bits == 1 && Signed;

    public string Quantization => Bipolar ? "bipolar" : $"{Bits}-bit {(Signed ? "signed" : "unsigned")}{(Narrow ? " narrow" : "")}";

    public long DeployedBits => 32L * ParameterCount;

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() => Scale.Vector("scale").Concat(ZeroPoint.Vector("zeroPoint"));

    public override IEnumerable<(string Key, string Value)> Settings() =>
        Scale.Inline("scale").Concat(ZeroPoint.Inline("zeroPoint")).Concat(
        [("bits", Bits.ToString()), ("signed", Signed ? "true" : "false"), ("narrow", Narrow ? "true" : "false"), ("rounding", RoundingNames.Name(Rounding))]);
}

/// <summary>QONNX BipolarQuant: y = (x &gt;= 0 ? 1 : -1) * scale.</summary>
public sealed record BipolarQuant(FeatureValues Scale) : Layer, IQuantizedLayer
{
    public override string Type => "BipolarQuant";

    public string Quantization => "bipolar";

    public long DeployedBits => 32L * ParameterCount;

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() => Scale.Vector("scale");

    public override IEnumerable<(string Key, string Value)> Settings() => Scale.Inline("scale");
}

/// <summary>
/// FINN / QONNX MultiThreshold: y_j = outScale * (number of thresholds[j, k] with x_j &gt;= thresholds[j, k]) + outBias;
/// thresholds is [features, steps], or [1, steps] for one set shared by every feature, each row sorted.
/// </summary>
public sealed record MultiThreshold(Tensor Thresholds, double OutScale, double OutBias) : Layer, IQuantizedLayer
{
    public override string Type => "MultiThreshold";

    public int Steps => Thresholds.Shape[1];

    public double Threshold(int feature, int step) => Thresholds[Thresholds.Shape[0] == 1 ? 0 : feature, step];

    public override bool OutputAlwaysNonNegative => OutScale >= 0 && OutBias >= 0;

    public string Quantization => $"{Steps} thresholds ({Steps + 1} levels)";

    public long DeployedBits => 32L * Thresholds.Length;

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() => [("thresholds", Thresholds)];

    public override IEnumerable<(string Key, string Value)> Settings() =>
        [("outScale", ModelWriter.Number(OutScale)), ("outBias", ModelWriter.Number(OutBias))];
}

/// <summary>
/// QONNX Trunc: q = round(x / scale + zeroPoint) (ties to even), divided by 2^k and rounded by
/// <see cref="Rounding"/>. Version 1 (no outScale): k = inBits - outBits, y = (q - zeroPoint) * scale.
/// Version 2: k = round(log2(outScale / scale)), q clamped to the outBits range (signed, narrow)
/// before rounding, y = (q - zeroPoint / 2^k) * outScale.
/// </summary>
public sealed record Trunc(FeatureValues Scale, FeatureValues ZeroPoint, int InBits, int OutBits, FeatureValues? OutScale, bool Signed, bool Narrow, RoundingMode Rounding)
    : Layer, IQuantizedLayer
{
    public override string Type => "Trunc";

    public string Quantization => $"truncate {InBits} to {OutBits} bits";

    public long DeployedBits => 32L * ParameterCount;

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() =>
        Scale.Vector("scale").Concat(ZeroPoint.Vector("zeroPoint")).Concat(OutScale?.Vector("outScale") ?? []);

    public override IEnumerable<(string Key, string Value)> Settings() =>
        Scale.Inline("scale").Concat(ZeroPoint.Inline("zeroPoint")).Concat(OutScale?.Inline("outScale") ?? []).Concat(
        [("inBits", InBits.ToString()), ("outBits", OutBits.ToString()), ("signed", Signed ? "true" : "false"),
         ("narrow", Narrow ? "true" : "false"), ("rounding", RoundingNames.Name(Rounding))]);
}

/// <summary>ONNX Clip: min(max(x, min), max).</summary>
public sealed record Clip(double Min, double Max) : Layer
{
    public override string Type => "Clip";

    public override bool OutputAlwaysNonNegative => Min >= 0;

    public override bool PreservesNonNegative => Max >= 0;

    public override IEnumerable<(string Key, string Value)> Settings() =>
        [("min", ModelWriter.Number(Min)), ("max", ModelWriter.Number(Max))];
}

/// <summary>
/// A matrix product with integer weights: y_j = scale_j * sum_i x_i * weights[i, j], the weights
/// [in, out] being the integer levels of an n-bit (or bipolar) weight quantizer and scale one
/// number or one per output. Lowered multiply-free: XNOR/AND-popcount for bits, bit-plane popcounts otherwise.
/// </summary>
public sealed record QuantLinear(Tensor Weights, FeatureValues Scale) : Layer, IQuantizedLayer
{
    public const int MaxWeightBits = 8;

    public override string Type => "QuantLinear";

    public int Inputs => Weights.Shape[0];

    public int Outputs => Weights.Shape[1];

    public override int OutputFeatures(int inputs) => Outputs;

    public long MinLevel => (long)Weights.Data.Min();

    public long MaxLevel => (long)Weights.Data.Max();

    /// <summary>Every weight is -1 or +1.</summary>
    public bool BipolarWeights => Weights.Data.All(w => w is 1 or -1);

    /// <summary>Bits of one weight: 1 for bipolar, else the two's complement (or unsigned) width of the levels.</summary>
    public int WeightBits => BipolarWeights ? 1 : Numerics.BitWidth.ToHold(MinLevel, MaxLevel);

    public string Quantization => BipolarWeights ? "bipolar weights" : $"{WeightBits}-bit weights";

    public long DeployedBits => ((long)WeightBits * Weights.Length) + (32L * Scale.Length);

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() => [("weights", Weights), .. Scale.Vector("scale")];

    public override IEnumerable<(string Key, string Value)> Settings() => Scale.Inline("scale");
}

/// <summary>The spellings of <see cref="RoundingMode"/> in model.yaml and QONNX.</summary>
public static class RoundingNames
{
    private static readonly (RoundingMode Mode, string Name)[] Names =
    [
        (RoundingMode.Round, "ROUND"), (RoundingMode.Ceil, "CEIL"), (RoundingMode.Floor, "FLOOR"), (RoundingMode.Up, "UP"),
        (RoundingMode.Down, "DOWN"), (RoundingMode.HalfUp, "HALF_UP"), (RoundingMode.HalfDown, "HALF_DOWN"),
    ];

    public static IEnumerable<string> All => Names.Select(n => n.Name);

    public static string Name(RoundingMode mode) => Names.First(n => n.Mode == mode).Name;

    /// <summary>Case-insensitive, and HALF_EVEN as another name of ROUND (both as QONNX reads them).</summary>
    public static RoundingMode? Parse(string text)
    {
        var upper = text.ToUpperInvariant();
        if (upper == "HALF_EVEN") return RoundingMode.Round;
        foreach (var (mode, name) in Names)
        {
            if (name == upper) return mode;
        }
        return null;
    }
}
