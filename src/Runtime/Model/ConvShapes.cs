using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>
/// Shape checks of the image layers (Conv2D, BinConv2D, MaxPool2D, Flatten): each mistake is one
/// line naming the layer and the shapes involved.
/// </summary>
internal static class ConvShapes
{
    /// <summary>Checks <paramref name="layer"/> when it is an image layer; false for every other layer.</summary>
    public static bool Check(YamlNodes nodes, YamlNode node, Layer layer, string what, int[] shape, IReadOnlyList<Layer> before)
    {
        switch (layer)
        {
            case ConvolutionLayer conv:
                CheckConvolution(nodes, node, conv, what, shape, before);
                return true;
            case MaxPool2D pool:
                CheckPool(nodes, node, pool, what, shape, before);
                return true;
            case Flatten:
                return true;
            default:
                return false;
        }
    }

    private static void CheckConvolution(YamlNodes nodes, YamlNode node, ConvolutionLayer conv, string what, int[] shape, IReadOnlyList<Layer> before)
    {
        var weights = conv.Weights;
        if (weights.Rank != 4 || weights.Shape.Any(d => d < 1))
            throw nodes.ErrorAt(node, $"{what}: weights have shape {weights.ShapeText}, expected [kernel height, kernel width, input channels, output channels]");
        NeedImage(nodes, node, what, "a convolution", shape, before);
        if (conv.Stride < 1)
            throw nodes.ErrorAt(node, $"{what}: stride {conv.Stride} on the input {Tensor.FormatShape(shape)}: the stride must be at least 1");
        if (conv.Padding < 0)
            throw nodes.ErrorAt(node, $"{what}: padding {conv.Padding} on the input {Tensor.FormatShape(shape)}: the padding must be 0 or more");
        if (conv.InputChannels != shape[2])
            throw nodes.ErrorAt(node, $"{what}: weights {weights.ShapeText} take {conv.InputChannels} input channels, but the input {Tensor.FormatShape(shape)} has {shape[2]}");
        int paddedHeight = shape[0] + (2 * conv.Padding), paddedWidth = shape[1] + (2 * conv.Padding);
        if (conv.KernelHeight > paddedHeight || conv.KernelWidth > paddedWidth)
            throw nodes.ErrorAt(node, $"{what}: its {conv.KernelHeight}x{conv.KernelWidth} kernel is larger than the input {Tensor.FormatShape(shape)} padded by {conv.Padding} ({paddedHeight}x{paddedWidth})");
        if (conv is Conv2D { Bias: { } bias } && (bias.Rank != 1 || bias.Length != conv.OutputChannels))
            throw nodes.ErrorAt(node, $"{what}: bias has shape {bias.ShapeText}, expected [{conv.OutputChannels}] to match the weights {weights.ShapeText}");
    }

    private static void CheckPool(YamlNodes nodes, YamlNode node, MaxPool2D pool, string what, int[] shape, IReadOnlyList<Layer> before)
    {
        NeedImage(nodes, node, what, "a pool", shape, before);
        if (pool.Size < 1)
            throw nodes.ErrorAt(node, $"{what}: size {pool.Size} on the input {Tensor.FormatShape(shape)}: the size must be at least 1");
        if (pool.Stride < 1)
            throw nodes.ErrorAt(node, $"{what}: stride {pool.Stride} on the input {Tensor.FormatShape(shape)}: the stride must be at least 1");
        if (pool.Size > shape[0] || pool.Size > shape[1])
            throw nodes.ErrorAt(node, $"{what}: its {pool.Size}x{pool.Size} window is larger than the input {Tensor.FormatShape(shape)}");
        foreach (int length in shape[..2].Distinct())
        {
            if (pool.OutputsAlong(length) is null)
            {
                throw nodes.ErrorAt(node, $"{what}: a {pool.Size}x{pool.Size} pool with stride {pool.Stride} does not tile the input {Tensor.FormatShape(shape)} " +
                    $"({length} - {pool.Size} = {length - pool.Size} is not a multiple of {pool.Stride}); give edge: floor (drop the overhanging window) or edge: ceil (keep it; positions past the edge never win)");
            }
        }
    }

    private static void NeedImage(YamlNodes nodes, YamlNode node, string what, string kind, int[] shape, IReadOnlyList<Layer> before)
    {
        if (shape.Length == 3) return;
        int flatten = before.Count - 1;
        while (flatten >= 0 && before[flatten] is not Flatten) flatten--;
        string after = flatten >= 0 ? $", after layer {flatten} (Flatten)"
            : before.Count == 0 ? " (the model input)" : $", from layer {before.Count - 1} ({before[^1].Type})";
        throw nodes.ErrorAt(node, $"{what}: its input has shape {Tensor.FormatShape(shape)}{after}; {kind} needs an input of [height, width, channels]");
    }
}
