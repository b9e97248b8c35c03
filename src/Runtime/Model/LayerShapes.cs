using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Checks that a layer's tensors fit each other and the width the previous layer gives.</summary>
internal static class LayerShapes
{
    public static void Check(YamlNodes nodes, YamlNode node, Layer layer, int index, int[] shape, IReadOnlyList<Layer> before)
    {
        string what = $"layer {index} ({layer.Type})";
        int inputs = shape.Aggregate(1, (a, b) => a * b);
        if (ConvShapes.Check(nodes, node, layer, what, shape, before)) return;
        switch (layer)
        {
            case LinearLayer linear:
                CheckMatrix(nodes, node, what, linear.Weights, inputs, shape);
                if (linear.Bias is { } bias && (bias.Rank != 1 || bias.Length != linear.Outputs))
                    throw nodes.ErrorAt(node, $"{what}: bias has shape {bias.ShapeText}, expected [{linear.Outputs}] to match the weights {linear.Weights.ShapeText}");
                break;
            case BinLayer bin:
                CheckMatrix(nodes, node, what, bin.Weights, inputs, shape);
                break;
            case BatchNorm norm:
                // per feature, or per channel of an image (channels-last)
                int features = shape[^1];
                foreach (var (key, tensor) in norm.Tensors())
                {
                    if (tensor.Rank != 1 || tensor.Length != features)
                        throw nodes.ErrorAt(node, shape.Length == 1
                            ? $"{what}: {key} has shape {tensor.ShapeText}, but the previous layer gives {inputs} features"
                            : $"{what}: {key} has shape {tensor.ShapeText}, but the previous layer gives {Tensor.FormatShape(shape)}, {features} channels");
                }
                for (int i = 0; i < norm.Var.Length; i++)
                {
                    if (norm.Var.Data[i] < 0)
                        throw nodes.ErrorAt(node, $"{what}: var[{i}] = {norm.Var.Data[i]} is negative (a variance must be >= 0)");
                }
                break;
            case WalshHadamard transform:
                WalshHadamardParser.CheckShapes(nodes, node, what, transform, inputs);
                break;
            default:
                QuantizedLayerShapes.Check(nodes, node, layer, what, inputs);
                break;
        }
    }

    private static void CheckMatrix(YamlNodes nodes, YamlNode node, string what, Tensor weights, int inputs, int[] shape)
    {
        if (shape.Length != 1)
            throw nodes.ErrorAt(node, $"{what}: its input has shape {Tensor.FormatShape(shape)}; it takes a flat vector: put a Flatten before it");
        if (weights.Rank != 2 || weights.Shape[0] < 1 || weights.Shape[1] < 1)
            throw nodes.ErrorAt(node, $"{what}: weights have shape {weights.ShapeText}, expected a matrix [in, out]");
        if (weights.Shape[0] != inputs)
            throw nodes.ErrorAt(node, $"{what}: weights {weights.ShapeText} expect {weights.Shape[0]} inputs, but the previous layer gives {inputs}");
    }
}
