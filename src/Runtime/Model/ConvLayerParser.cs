using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Reads the image layers' entries of <c>layers:</c>; <see cref="ConvShapes"/> checks them against their input.</summary>
internal static class ConvLayerParser
{
    public static readonly string[] Types = ["Conv2D", "BinConv2D", "MaxPool2D", "Flatten"];

    public static Layer Parse(YamlNodes nodes, YamlMappingNode map, string type, string what, Func<string, Tensor> tensor)
    {
        int Setting(string key, int fallback) => nodes.Optional(map, key) is { } value ? nodes.Int(value, $"{what} {key}") : fallback;
        switch (type)
        {
            case "Conv2D":
                nodes.OnlyKeys(map, what, "type", "weights", "bias", "stride", "padding", "binAggression");
                return new Conv2D(tensor("weights"), nodes.Optional(map, "bias") is null ? null : tensor("bias"), Setting("stride", 1), Setting("padding", 0));
            case "BinConv2D":
                nodes.OnlyKeys(map, what, "type", "weights", "stride", "padding", "binAggression");
                return new BinConv2D(tensor("weights"), Setting("stride", 1), Setting("padding", 0));
            case "MaxPool2D":
            {
                nodes.OnlyKeys(map, what, "type", "size", "stride", "edge", "binAggression");
                var sizeNode = nodes.Required(map, "size", what);
                int size = nodes.Int(sizeNode, $"{what} size");
                var edge = PoolEdge.Exact;
                if (nodes.Optional(map, "edge") is { } edgeNode)
                {
                    edge = nodes.Scalar(edgeNode, $"{what} edge") switch
                    {
                        "exact" => PoolEdge.Exact,
                        "floor" => PoolEdge.Floor,
                        "ceil" => PoolEdge.Ceil,
                        var other => throw nodes.ErrorAt(edgeNode, $"{what}: unknown edge '{other}' (expected exact, floor or ceil)"),
                    };
                }
                return new MaxPool2D(size, Setting("stride", size), edge);
            }
            default:
                nodes.OnlyKeys(map, what, "type", "binAggression");
                return new Flatten();
        }
    }
}
