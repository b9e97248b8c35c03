using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Onnx;

/// <summary>
/// The QONNX quantizer nodes (Quant, BipolarQuant, Trunc) and FINN's MultiThreshold as HwFlow
/// layers, with per-element parameters laid out over the features they apply to. Used both for
/// activations (the layer goes into the model) and for constants (weights are folded through it).
/// </summary>
internal static class QuantNodes
{
    public static bool IsQuantizer(string op) => op is "Quant" or "IntQuant" or "BipolarQuant" or "Trunc" or "MultiThreshold";

    /// <summary>The quantizer layer of <paramref name="node"/> for an input of <paramref name="shape"/> (batch first when <paramref name="batched"/>).</summary>
    public static Layer Layer(OnnxNode node, ConstTensor?[] inputs, int[] shape, bool batched)
    {
        FeatureValues Values(int index, string what, double fallback = double.NaN)
        {
            if (index >= inputs.Length || inputs[index] is null)
            {
                if (double.IsNaN(fallback)) throw new OnnxGraphError($"input {index} ({what}) is missing");
                return FeatureValues.Scalar(fallback);
            }
            return Features(inputs[index]!, shape, batched, what);
        }

        switch (node.OpType)
        {
            case "Quant" or "IntQuant":
            {
                int bits = Bits(inputs.ElementAtOrDefault(3), "bitwidth", Quant.MaxBits);
                return new Quant(Positive(Values(1, "scale"), "scale"), Values(2, "zero point"), bits,
                    node.Int("signed", 1) != 0, node.Int("narrow", 0) != 0, RoundingOf(node, "ROUND"));
            }
            case "BipolarQuant":
                return new BipolarQuant(Positive(Values(1, "scale"), "scale"));
            case "Trunc":
            {
                // version 1: x, scale, zeropt, in_bitwidth, out_bitwidth; version 2 adds out_scale before out_bitwidth
                bool v2 = inputs.Length >= 6;
                int inBits = Bits(inputs.ElementAtOrDefault(3), "in_bitwidth", 32);
                int outBits = Bits(inputs.ElementAtOrDefault(v2 ? 5 : 4), "out_bitwidth", Quant.MaxBits);
                return new Trunc(Positive(Values(1, "scale"), "scale"), Values(2, "zero point"), inBits, outBits,
                    v2 ? Positive(Values(4, "out_scale"), "out_scale") : null,
                    node.Int("signed", 1) != 0, node.Int("narrow", 0) != 0, RoundingOf(node, "FLOOR"));
            }
            case "MultiThreshold":
                return Thresholds(node, inputs.ElementAtOrDefault(1) ?? throw new OnnxGraphError("its thresholds are missing"), shape, batched);
            default:
                throw new InvalidOperationException(node.OpType);
        }
    }

    /// <summary>A constant laid over the elements of a value of <paramref name="shape"/>: one value, or one per element (C order, batch dimension dropped).</summary>
    public static FeatureValues Features(ConstTensor constant, int[] shape, bool batched, string what) =>
        new(Array.ConvertAll(Spread(constant, shape, batched, what), v => (float)v));

    /// <summary><see cref="Features"/> in the constant's own precision.</summary>
    public static double[] Spread(ConstTensor constant, int[] shape, bool batched, string what)
    {
        if (constant.Data.All(v => v == constant.Data[0])) return [constant.Data[0]];
        var target = ConstTensor.BroadcastShape(shape, constant.Shape);
        if (target is null || !target.SequenceEqual(shape))
            throw new OnnxGraphError($"its {what} of shape {constant.ShapeText} does not broadcast over the values of shape [{string.Join(", ", shape)}]");
        if (batched && shape[0] != 1) throw new OnnxGraphError($"its {what} varies along the batch dimension");
        return constant.ExpandTo(shape);
    }

    private static FeatureValues Positive(FeatureValues values, string what) =>
        values.All(v => v > 0) ? values : throw new OnnxGraphError($"its {what} must be positive, got {values.Values.Min()}");

    private static int Bits(ConstTensor? tensor, string what, int max)
    {
        if (tensor is null) throw new OnnxGraphError($"its {what} input is missing");
        double bits = tensor.Single(what);
        if (bits != Math.Round(bits) || bits < 1) throw new OnnxGraphError($"its {what} must be a positive whole number of bits, got {bits}");
        if (bits > max) throw new OnnxGraphError($"its {what} is {bits} bits, wider than supported (1 to {max} bits)");
        return (int)bits;
    }

    private static RoundingMode RoundingOf(OnnxNode node, string fallback)
    {
        var text = node.Text("rounding_mode", fallback);
        return RoundingNames.Parse(text)
            ?? throw new OnnxGraphError($"its rounding_mode '{text}' is unknown (expected one of: {string.Join(", ", RoundingNames.All)})");
    }

    /// <summary>FINN MultiThreshold: thresholds [channels or 1, steps], channels on axis 1 (NCHW) or last (NHWC), each row sorted.</summary>
    private static MultiThreshold Thresholds(OnnxNode node, ConstTensor thresholds, int[] shape, bool batched)
    {
        if (thresholds.Rank != 2) throw new OnnxGraphError($"its thresholds have shape {thresholds.ShapeText}, expected [channels, steps]");
        int channels = thresholds.Shape[0], steps = thresholds.Shape[1];
        for (int c = 0; c < channels; c++)
        {
            for (int k = 1; k < steps; k++)
            {
                double before = thresholds.Data[(c * steps) + k - 1], after = thresholds.Data[(c * steps) + k];
                if (!(before <= after))
                    throw new OnnxGraphError($"its thresholds are not sorted: channel {c} has {before} at step {k - 1} before {after} at step {k}");
            }
        }
        double outScale = node.Float("out_scale", 1), outBias = node.Float("out_bias", 0);
        if (channels == 1) return new MultiThreshold(Tensor(1, steps, thresholds.Data), outScale, outBias);

        bool channelsLast = node.Text("data_layout", "NCHW").EndsWith('C');
        int axis = channelsLast ? shape.Length - 1 : (batched ? 1 : 0);
        if (axis < 0 || axis >= shape.Length || shape[axis] != channels)
            throw new OnnxGraphError($"its thresholds have {channels} channels, but the input of shape [{string.Join(", ", shape)}] has {(axis >= 0 && axis < shape.Length ? shape[axis] : 0)} on the channel axis");
        var perSample = batched ? shape[1..] : shape;
        int features = (int)ConstTensor.Count(perSample);
        int channelAxis = batched ? axis - 1 : axis;
        long inner = ConstTensor.Strides(perSample)[channelAxis];
        var rows = new double[features * steps];
        for (int f = 0; f < features; f++)
        {
            int c = (int)(f / inner % channels);
            Array.Copy(thresholds.Data, c * steps, rows, f * steps, steps);
        }
        return new MultiThreshold(Tensor(features, steps, rows), outScale, outBias);
    }

    private static Tensors.Tensor Tensor(int rows, int columns, double[] data) => new([rows, columns], Array.ConvertAll(data, v => (float)v));
}
