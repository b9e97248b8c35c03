using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// A quantizer (Quant, BipolarQuant, MultiThreshold, Trunc) and the elementwise layers between
/// it and the integer value it depends on (Affine, BatchNorm, Ramp, HardTanh, Clip): together
/// a non-decreasing or non-increasing step function of that integer, per element. FINN's
/// streamlining moves such chains into thresholds; here they are evaluated with the float
/// reference's own layers, so the thresholds found reproduce it exactly on every integer.
/// </summary>
public sealed class QuantizerChain
{
    public static readonly IReadOnlySet<string> ElementwiseOps = new HashSet<string> { Ops.Affine, Ops.BatchNorm, Ops.Ramp, Ops.HardTanh, Ops.Clip };

    public static readonly IReadOnlySet<string> QuantizerOps = new HashSet<string> { Ops.Quant, Ops.BipolarQuant, Ops.MultiThreshold, Ops.Trunc };

    private readonly FloatLayer[] _layers;

    private QuantizerChain(Node source, IReadOnlyList<Node> between, Node quantizer, Layer layer, LevelQuantizer levels)
    {
        Source = source;
        Between = between;
        Quantizer = quantizer;
        Layer = layer;
        Levels = levels;
        _layers = between.Select(LayerOps.Prepare).ToArray();
    }

    /// <summary>The integer value the chain reads.</summary>
    public Node Source { get; }

    /// <summary>The elementwise nodes between the source and the quantizer, in order.</summary>
    public IReadOnlyList<Node> Between { get; }

    public Node Quantizer { get; }

    public Layer Layer { get; }

    public LevelQuantizer Levels { get; }

    /// <summary>The chain ending in <paramref name="quantizer"/>, or null while its source is not an integer yet.</summary>
    public static QuantizerChain? Find(GraphBuilder graph, Node quantizer)
    {
        var between = new List<Node>();
        var node = graph[quantizer.Operands[0]];
        while (node.Type.Kind == ValueKind.Real)
        {
            if (!ElementwiseOps.Contains(node.Op) || graph.Users(node.Name).Count() != 1) return null;
            between.Insert(0, node);
            node = graph[node.Operands[0]];
        }
        if (node.Type.Kind != ValueKind.Int) return null;
        var layer = QuantizedLayerNodes.Layer(quantizer)!;
        return new QuantizerChain(node, between, quantizer, layer, LevelQuantizer.Of(layer)!);
    }

    /// <summary>Whether <paramref name="node"/> reaches a quantizer through single-user elementwise nodes (which that quantizer's chain will absorb).</summary>
    public static bool FeedsQuantizer(GraphBuilder graph, Node node)
    {
        while (graph.Users(node.Name).ToList() is [var user])
        {
            if (QuantizerOps.Contains(user.Op)) return true;
            if (!ElementwiseOps.Contains(user.Op)) return false;
            node = user;
        }
        return false;
    }

    /// <summary>
    /// Per element: +1 when the code grows with the source, -1 when it falls, 0 when it is
    /// constant. Each layer's slope sign is known from its parameters; the quantizers' codes never fall.
    /// </summary>
    public int Direction(int j)
    {
        int direction = 1;
        foreach (var node in Between)
        {
            double slope = node.Op switch
            {
                Ops.Affine => node.RealTensor("scale").Data is var s && s.Length == 1 ? s[0] : s[j],
                Ops.BatchNorm => node.RealTensor("gamma").Data[j],
                _ => 1,
            };
            direction *= Math.Sign(slope);
        }
        return direction;
    }

    /// <summary>The quantizer's code for each element j at source integers <paramref name="source"/>[j], through the float reference's layers.</summary>
    public double[] Codes(long[] source)
    {
        var x = new Runtime.Numerics.Matrix(1, source.Length);
        for (int j = 0; j < source.Length; j++) x.Data[j] = source[j] * Source.Type.Scale;
        foreach (var layer in _layers) x = layer.Apply(x);
        var codes = new double[source.Length];
        for (int j = 0; j < codes.Length; j++) codes[j] = Levels.Code(j, x.Data[j]);
        return codes;
    }
}
