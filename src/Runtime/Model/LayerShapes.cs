using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Checks that a layer's tensors fit each other and the width the previous layer gives.</summary>
internal static class LayerShapes
{
    public static void Check(YamlNodes nodes, YamlNode node, Layer layer, int index, int inputs)
    {
        string what = $"layer {index} ({layer.Type})";
        switch (layer)
        {
            case LinearLayer linear:
                CheckMatrix(nodes, node, what, linear.Weights, inputs);
                if (linear.Bias is { } bias && (bias.Rank != 1 || bias.Length != linear.Outputs))
                    throw nodes.ErrorAt(node, $"{what}: bias has shape {bias.ShapeText}, expected [{linear.Outputs}] to match the weights {linear.Weights.ShapeText}");
                break;
            case BinLayer bin:
                CheckMatrix(nodes, node, what, bin.Weights, inputs);
                break;
            case BatchNorm norm:
                foreach (var (key, tensor) in norm.Tensors())
                {
                    if (tensor.Rank != 1 || tensor.Length != inputs)
                        throw nodes.ErrorAt(node, $"{what}: {key} has shape {tensor.ShapeText}, but the previous layer gives {inputs} features");
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

    private static void CheckMatrix(YamlNodes nodes, YamlNode node, string what, Tensor weights, int inputs)
    {
        if (weights.Rank != 2 || weights.Shape[0] < 1 || weights.Shape[1] < 1)
            throw nodes.ErrorAt(node, $"{what}: weights have shape {weights.ShapeText}, expected a matrix [in, out]");
        if (weights.Shape[0] != inputs)
            throw nodes.ErrorAt(node, $"{what}: weights {weights.ShapeText} expect {weights.Shape[0]} inputs, but the previous layer gives {inputs}");
    }
}
