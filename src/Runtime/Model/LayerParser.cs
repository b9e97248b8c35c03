using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Turns one entry of <c>layers:</c> into a <see cref="Layer"/>.</summary>
internal static class LayerParser
{
    public static readonly string[] KnownTypes =
        ["LinearLayer", "BinLayer", "BatchNorm", "Ramp", "BinarizeLayer", "Sigmoid", "Sign", "HardTanh", WalshHadamard.TypeName, .. ConvLayerParser.Types, .. QuantizedLayerParser.KnownTypes];

    public static Layer Parse(YamlNodes nodes, TensorFiles tensors, YamlNode node, int index)
    {
        var map = nodes.Mapping(node, $"layer {index}");
        var typeNode = nodes.Required(map, "type", $"layer {index}");
        var type = nodes.Scalar(typeNode, "type");
        string what = $"layer {index} ({type})";
        Tensor Tensor(string key) => tensors.Load(nodes.Required(map, key, what), $"{what} {key}");

        Layer layer;
        switch (type)
        {
            case "LinearLayer":
                nodes.OnlyKeys(map, what, "type", "weights", "bias", "binAggression");
                layer = new LinearLayer(Tensor("weights"), nodes.Optional(map, "bias") is null ? null : Tensor("bias"));
                break;
            case "BinLayer":
                nodes.OnlyKeys(map, what, "type", "weights", "binAggression");
                layer = new BinLayer(Tensor("weights"));
                break;
            case "BatchNorm":
                nodes.OnlyKeys(map, what, "type", "mean", "var", "gamma", "beta", "eps", "binAggression");
                var epsNode = nodes.Required(map, "eps", what);
                var eps = nodes.Double(epsNode, "eps");
                if (eps <= 0) throw nodes.ErrorAt(epsNode, $"eps must be positive, got {eps}");
                layer = new BatchNorm(Tensor("mean"), Tensor("var"), Tensor("gamma"), Tensor("beta"), eps);
                break;
            case "Ramp" or "BinarizeLayer" or "Sigmoid" or "Sign" or "HardTanh":
                nodes.OnlyKeys(map, what, "type", "binAggression");
                layer = type switch
                {
                    "Ramp" => new Ramp(),
                    "BinarizeLayer" => new BinarizeLayer(),
                    "Sigmoid" => new Sigmoid(),
                    "Sign" => new Sign(),
                    _ => new HardTanh(),
                };
                break;
            case WalshHadamard.TypeName:
                layer = WalshHadamardParser.Parse(nodes, map, what, Tensor);
                break;
            case var _ when ConvLayerParser.Types.Contains(type):
                layer = ConvLayerParser.Parse(nodes, map, type, what, Tensor);
                break;
            default:
                layer = QuantizedLayerParser.TryParse(nodes, tensors, map, type, what) ??
                    throw nodes.ErrorAt(typeNode, $"unknown layer type '{type}' (known: {string.Join(", ", KnownTypes)})");
                break;
        }
        if (nodes.Optional(map, "binAggression") is { } aggression)
            layer = layer with { BinAggression = ModelLoader.PositiveChunk(nodes, aggression) };
        return layer;
    }
}
