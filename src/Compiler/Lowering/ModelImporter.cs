using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// Turns a model into the layer-level graph: one node per layer, named l0, l1, ... after the
/// layer index (so errors can name the layer), with the binarization facts made explicit
/// (chunk length, unipolar or bipolar, scale mode) instead of left to analysis.
/// </summary>
public static class ModelImporter
{
    public const string InputName = "x";
    public const string OutputName = "out";

    public static string NodeName(int layerIndex) => $"l{layerIndex}";

    public static Graph Import(ModelSpec model)
    {
        var builder = new GraphBuilder(model.Name);
        builder.Add(new Node(InputName, Ops.Input, [], GraphType.Real(model.Input.Features), ("scale", new RealAttr(model.Input.Scale))));
        var features = model.FeatureCounts();
        var nonNegative = model.NonNegativeInputs();
        var shapes = model.Shapes();
        string previous = InputName;
        var scales = ScalesAttr.For(model.Scales);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var type = GraphType.Real(features[i + 1]);
            var chunk = new IntAttr(model.ChunkLength(layer));
            var unipolar = new BoolAttr(nonNegative[i]);
            (string Op, (string, Attr)[] Attrs) spec = layer switch
            {
                LinearLayer linear => (Ops.Linear, linear.Bias is null
                    ? [("weights", Real(linear.Weights))]
                    : [("weights", Real(linear.Weights)), ("bias", Real(linear.Bias))]),
                BinLayer bin => (Ops.Bin, [("weights", Real(bin.Weights)), ("chunk", chunk), ("unipolar", unipolar), (ScalesAttr.Key, scales)]),
                BatchNorm norm => (Ops.BatchNorm, [("mean", Real(norm.Mean)), ("var", Real(norm.Var)), ("gamma", Real(norm.Gamma)), ("beta", Real(norm.Beta)), ("eps", new RealAttr(norm.Eps))]),
                BinarizeLayer => (Ops.Binarize, [("chunk", chunk), ("unipolar", unipolar), (ScalesAttr.Key, scales)]),
                Ramp => (Ops.Ramp, []),
                Sigmoid => (Ops.Sigmoid, []),
                Sign => (Ops.Sign, [("unipolar", unipolar)]),
                HardTanh => (Ops.HardTanh, []),
                Conv2D conv => (Ops.Conv2D, [("weights", Real(conv.Weights)), .. conv.Bias is null ? [] : new[] { ("bias", (Attr)Real(conv.Bias)) },
                    .. WindowAttrs.Of(conv.Geometry(shapes[i]))]),
                BinConv2D conv => (Ops.BinConv2D, [("weights", Real(conv.Weights)), ("chunk", chunk), ("unipolar", unipolar), (ScalesAttr.Key, scales),
                    .. WindowAttrs.Of(conv.Geometry(shapes[i]))]),
                MaxPool2D pool => (Ops.MaxPool, WindowAttrs.Of(pool.Geometry(shapes[i]))),
                Flatten => (Ops.Flatten, []),
                WalshHadamard transform => (Ops.WalshHadamard, WalshHadamardAttrs(transform)),
                _ => QuantizedLayerNodes.Describe(layer) ?? throw new NotSupportedException($"layer type {layer.Type}"),
            };
            var name = NodeName(i);
            builder.Add(new Node(name, spec.Op, [previous], type, spec.Attrs));
            previous = name;
        }
        builder.Add(new Node(OutputName, Ops.Output, [previous], GraphType.Real(features[^1]),
            ("kind", new SymbolAttr(model.Output == OutputKind.Class ? "class" : "scores"))));
        return builder.Build();
    }

    /// <summary>The layer index and type a node came from, for error messages ("layer 3 (BinLayer)").</summary>
    public static string Describe(Node node)
    {
        var root = node.Name.Split('.')[0];
        if (root.Length > 1 && root[0] == 'l' && int.TryParse(root.AsSpan(1), out var index))
            return $"layer {index} ({LayerType(node.Op)})";
        return $"%{node.Name} ({node.Op})";
    }

    private static string LayerType(string op) => op switch
    {
        Ops.Linear or Ops.Dense => "LinearLayer",
        Ops.Bin or Ops.BinDot => "BinLayer",
        Ops.BatchNorm or Ops.AffineSign => "BatchNorm",
        Ops.Binarize => "BinarizeLayer",
        Ops.Ramp or Ops.Relu => "Ramp",
        Ops.Sigmoid => "Sigmoid",
        Ops.Sign => "Sign",
        Ops.HardTanh => "HardTanh",
        Ops.Affine => "Affine",
        Ops.Quant => "Quant",
        Ops.BipolarQuant => "BipolarQuant",
        Ops.MultiThreshold or Ops.Thresholds => "MultiThreshold",
        Ops.Trunc => "Trunc",
        Ops.Clip => "Clip",
        Ops.QuantLinear or Ops.PlaneDot => "QuantLinear",
        Ops.WalshHadamard or Ops.ZeroPad or Ops.Butterfly => WalshHadamard.TypeName,
        Ops.Conv2D => "Conv2D",
        Ops.BinConv2D => "BinConv2D",
        Ops.MaxPool => "MaxPool2D",
        Ops.Flatten => "Flatten",
        Ops.Window => "the sliding window of a convolution",
        _ => op,
    };

    private static (string, Attr)[] WalshHadamardAttrs(WalshHadamard layer)
    {
        var attrs = new List<(string, Attr)>
        {
            ("size", new IntAttr(layer.Size)),
            ("signs", new IntTensorAttr([layer.Size], Array.ConvertAll(layer.Signs.Data, v => (long)v))),
            ("shift", new IntAttr(layer.Shift)),
        };
        if (layer.Scale is not null) attrs.Add(("scale", Real(layer.Scale)));
        if (layer.Bias is not null) attrs.Add(("bias", Real(layer.Bias)));
        return [.. attrs];
    }

    private static RealTensorAttr Real(Tensor tensor) => new([.. tensor.Shape], Array.ConvertAll(tensor.Data, v => (double)v));
}
