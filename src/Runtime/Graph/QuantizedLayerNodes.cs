using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// The layer-level nodes of the layers imported QONNX / FINN models use (Affine, Quant,
/// BipolarQuant, MultiThreshold, Trunc, Clip, QuantLinear): a layer's parameters as node
/// attributes and back, so the graph executes a node with the float reference's own layer and
/// the compiler reads the layer it lowers.
/// </summary>
public static class QuantizedLayerNodes
{
    /// <summary>The op and attributes of <paramref name="layer"/>'s node, or null for the other layer types.</summary>
    public static (string Op, (string Key, Attr Value)[] Attrs)? Describe(Layer layer) => layer switch
    {
        Affine a => (Ops.Affine, [("scale", Real(a.Scale)), ("bias", Real(a.Bias))]),
        Quant q => (Ops.Quant, [("scale", Real(q.Scale)), ("zero-point", Real(q.ZeroPoint)), ("bits", new IntAttr(q.Bits)),
            ("signed", new BoolAttr(q.Signed)), ("narrow", new BoolAttr(q.Narrow)), ("rounding", Rounding(q.Rounding))]),
        BipolarQuant b => (Ops.BipolarQuant, [("scale", Real(b.Scale))]),
        MultiThreshold m => (Ops.MultiThreshold, [("thresholds", new RealTensorAttr([.. m.Thresholds.Shape], Array.ConvertAll(m.Thresholds.Data, v => (double)v))),
            ("out-scale", new RealAttr(m.OutScale)), ("out-bias", new RealAttr(m.OutBias))]),
        Trunc t => (Ops.Trunc, [("scale", Real(t.Scale)), ("zero-point", Real(t.ZeroPoint)), ("in-bits", new IntAttr(t.InBits)), ("out-bits", new IntAttr(t.OutBits)),
            .. t.OutScale is { } o ? new (string, Attr)[] { ("out-scale", Real(o)) } : [],
            ("signed", new BoolAttr(t.Signed)), ("narrow", new BoolAttr(t.Narrow)), ("rounding", Rounding(t.Rounding))]),
        Clip c => (Ops.Clip, [("min", new RealAttr(c.Min)), ("max", new RealAttr(c.Max))]),
        QuantLinear l => (Ops.QuantLinear, [("weights", new IntTensorAttr([.. l.Weights.Shape], Array.ConvertAll(l.Weights.Data, w => (long)w))), ("scale", Real(l.Scale))]),
        _ => null,
    };

    /// <summary>The layer a node of <see cref="Describe"/> stands for, or null for other ops.</summary>
    public static Layer? Layer(Node node) => node.Op switch
    {
        Ops.Affine => new Affine(Values(node, "scale"), Values(node, "bias")),
        Ops.Quant => new Quant(Values(node, "scale"), Values(node, "zero-point"), (int)node.Int("bits"), node.Bool("signed"), node.Bool("narrow"), RoundingOf(node)),
        Ops.BipolarQuant => new BipolarQuant(Values(node, "scale")),
        Ops.MultiThreshold => new MultiThreshold(
            new Tensors.Tensor(node.RealTensor("thresholds").Shape, Array.ConvertAll(node.RealTensor("thresholds").Data, v => (float)v)),
            node.Real("out-scale"), node.Real("out-bias")),
        Ops.Trunc => new Trunc(Values(node, "scale"), Values(node, "zero-point"), (int)node.Int("in-bits"), (int)node.Int("out-bits"),
            node.Has("out-scale") ? Values(node, "out-scale") : null, node.Bool("signed"), node.Bool("narrow"), RoundingOf(node)),
        Ops.Clip => new Clip(node.Real("min"), node.Real("max")),
        Ops.QuantLinear => new QuantLinear(
            new Tensors.Tensor(node.IntTensor("weights").Shape, Array.ConvertAll(node.IntTensor("weights").Data, w => (float)w)), Values(node, "scale")),
        _ => null,
    };

    private static RealTensorAttr Real(FeatureValues values) => new([values.Length], Array.ConvertAll(values.Values, v => (double)v));

    private static FeatureValues Values(Node node, string key) => new(Array.ConvertAll(node.RealTensor(key).Data, v => (float)v));

    private static SymbolAttr Rounding(RoundingMode mode) => new(RoundingNames.Name(mode).ToLowerInvariant().Replace('_', '-'));

    private static RoundingMode RoundingOf(Node node) =>
        RoundingNames.Parse(node.Symbol("rounding").Replace('-', '_')) ?? throw new InvalidOperationException($"%{node.Name}: unknown rounding {node.Symbol("rounding")}");
}
