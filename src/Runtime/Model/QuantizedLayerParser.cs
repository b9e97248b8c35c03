using System.Globalization;
using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>
/// Parses the layer types imported QONNX / FINN models need (Affine, Quant, BipolarQuant,
/// MultiThreshold, Trunc, Clip, QuantLinear). Values that fit the layer alone are checked here;
/// those that depend on the width of the layer before are checked by <see cref="QuantizedLayerShapes"/>.
/// </summary>
internal static class QuantizedLayerParser
{
    public static readonly string[] KnownTypes = ["Affine", "Quant", "BipolarQuant", "MultiThreshold", "Trunc", "Clip", "QuantLinear"];

    /// <summary>The layer, or null when <paramref name="type"/> is not one of <see cref="KnownTypes"/>.</summary>
    public static Layer? TryParse(YamlNodes nodes, TensorFiles tensors, YamlMappingNode map, string type, string what)
    {
        var reader = new Reader(nodes, tensors, map, what);
        switch (type)
        {
            case "Affine":
                nodes.OnlyKeys(map, what, "type", "scale", "bias", "binAggression");
                return new Affine(reader.Values("scale", 1), reader.Values("bias", 0));
            case "Quant":
            {
                nodes.OnlyKeys(map, what, "type", "scale", "zeroPoint", "bits", "signed", "narrow", "rounding", "binAggression");
                int bits = reader.Bits("bits", Quant.MaxBits);
                return new Quant(reader.PositiveValues("scale"), reader.Values("zeroPoint", 0), bits,
                    reader.Flag("signed", true), reader.Flag("narrow", false), reader.Rounding(RoundingMode.Round));
            }
            case "BipolarQuant":
                nodes.OnlyKeys(map, what, "type", "scale", "binAggression");
                return new BipolarQuant(reader.PositiveValues("scale"));
            case "MultiThreshold":
            {
                nodes.OnlyKeys(map, what, "type", "thresholds", "outScale", "outBias", "binAggression");
                var thresholds = reader.Tensor("thresholds");
                if (thresholds.Rank != 2 || thresholds.Shape[1] < 1)
                    throw nodes.ErrorAt(map, $"{what}: thresholds have shape {thresholds.ShapeText}, expected [features, steps] or [1, steps]");
                CheckSorted(nodes, map, what, thresholds);
                return new MultiThreshold(thresholds, reader.Number("outScale", 1), reader.Number("outBias", 0));
            }
            case "Trunc":
            {
                nodes.OnlyKeys(map, what, "type", "scale", "zeroPoint", "inBits", "outBits", "outScale", "signed", "narrow", "rounding", "binAggression");
                int inBits = reader.Bits("inBits", 32), outBits = reader.Bits("outBits", Quant.MaxBits);
                if (outBits > inBits) throw nodes.ErrorAt(map, $"{what}: outBits {outBits} exceeds inBits {inBits}");
                var outScale = nodes.Optional(map, "outScale") is null ? null : reader.PositiveValues("outScale");
                return new Trunc(reader.PositiveValues("scale"), reader.Values("zeroPoint", 0), inBits, outBits, outScale,
                    reader.Flag("signed", true), reader.Flag("narrow", false), reader.Rounding(RoundingMode.Floor));
            }
            case "Clip":
            {
                nodes.OnlyKeys(map, what, "type", "min", "max", "binAggression");
                double min = reader.Number("min", double.NegativeInfinity), max = reader.Number("max", double.PositiveInfinity);
                if (min > max) throw nodes.ErrorAt(map, $"{what}: min {min} is above max {max}");
                return new Clip(min, max);
            }
            case "QuantLinear":
            {
                nodes.OnlyKeys(map, what, "type", "weights", "scale", "binAggression");
                var weights = reader.Tensor("weights");
                for (int i = 0; i < weights.Length; i++)
                {
                    float w = weights.Data[i];
                    if (w != Math.Round(w) || w < -128 || w > 255)
                        throw nodes.ErrorAt(map, $"{what}: weights[{i}] = {w} is not an integer level in -128..255 (QuantLinear weights are the integer levels of an up to {QuantLinear.MaxWeightBits}-bit quantizer; the scale is separate)");
                }
                return new QuantLinear(weights, reader.PositiveValues("scale"));
            }
            default:
                return null;
        }
    }

    private static void CheckSorted(YamlNodes nodes, YamlNode node, string what, Tensor thresholds)
    {
        for (int row = 0; row < thresholds.Shape[0]; row++)
        {
            for (int k = 1; k < thresholds.Shape[1]; k++)
            {
                if (!(thresholds[row, k - 1] <= thresholds[row, k]))
                    throw nodes.ErrorAt(node, $"{what}: thresholds of row {row} are not sorted ({thresholds[row, k - 1]} before {thresholds[row, k]} at step {k})");
            }
        }
    }

    /// <summary>Typed reads of one layer's keys, each error at the offending node.</summary>
    private sealed class Reader(YamlNodes nodes, TensorFiles tensors, YamlMappingNode map, string what)
    {
        public Tensor Tensor(string key) => tensors.Load(nodes.Required(map, key, what), $"{what} {key}");

        /// <summary>A number written inline, or the path of a .npy vector.</summary>
        public FeatureValues Values(string key, double? fallback)
        {
            var node = fallback is null ? nodes.Required(map, key, what) : nodes.Optional(map, key);
            if (node is null) return FeatureValues.Scalar(fallback!.Value);
            var text = nodes.Scalar(node, $"{what} {key}");
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                if (!double.IsFinite(number)) throw nodes.ErrorAt(node, $"{what}: {key} must be finite, got {text}");
                return FeatureValues.Scalar(number);
            }
            var tensor = tensors.Load(node, $"{what} {key}");
            if (tensor.Rank != 1 || tensor.Length < 1)
                throw nodes.ErrorAt(node, $"{what}: {key} has shape {tensor.ShapeText}, expected one value per feature [n]");
            return new FeatureValues(tensor.Data);
        }

        public FeatureValues PositiveValues(string key)
        {
            var values = Values(key, 1);
            if (!values.All(v => v > 0))
                throw nodes.ErrorAt(nodes.Optional(map, key) ?? map, $"{what}: every {key} must be positive (a quantizer's step), got {values.Values.Min()}");
            return values;
        }

        public double Number(string key, double fallback) =>
            nodes.Optional(map, key) is { } node ? nodes.Double(node, $"{what} {key}") : fallback;

        public int Bits(string key, int max)
        {
            var node = nodes.Required(map, key, what);
            int bits = nodes.Int(node, $"{what} {key}");
            if (bits < 1 || bits > max) throw nodes.ErrorAt(node, $"{what}: {key} must be between 1 and {max}, got {bits}");
            return bits;
        }

        public bool Flag(string key, bool fallback)
        {
            if (nodes.Optional(map, key) is not { } node) return fallback;
            return nodes.Scalar(node, $"{what} {key}") switch
            {
                "true" => true,
                "false" => false,
                var other => throw nodes.ErrorAt(node, $"{what}: {key} must be true or false, got '{other}'"),
            };
        }

        public RoundingMode Rounding(RoundingMode fallback)
        {
            if (nodes.Optional(map, "rounding") is not { } node) return fallback;
            var text = nodes.Scalar(node, $"{what} rounding");
            return RoundingNames.Parse(text)
                ?? throw nodes.ErrorAt(node, $"{what}: unknown rounding '{text}' (expected one of: {string.Join(", ", RoundingNames.All)})");
        }
    }
}
