using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A run of Affine layers (and BatchNorms, when the run starts at a QuantLinear's bin-dot or
/// plane-dot; other layers fold their BatchNorm themselves) on an integer x, that no quantizer
/// absorbs, is composed into one map y_j = a_j x_j + c_j and becomes the integer scale
/// y_j = mul_j * x_j + add_j with scale 2^e: a_j, c_j and x's scale are integers times powers
/// of two, so this is exact unless it would not fit 62 bits, when the constants are rounded and
/// the pass says by how much (DyadicAffine); composing the run in double adds a few units in the
/// last place to the bound. Right before a class output, one positive map for every class
/// (TensorNorm's scalar affine) cannot change the argmax and is dropped.
/// </summary>
public sealed class LowerAffine : Pass
{
    public override string Name => "lower-affine";
    public override string Description => "Affine / BatchNorm runs on integers become one exact integer scale, or are dropped before a class output";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        var composed = new HashSet<string>();
        foreach (var first in graph.Nodes.Where(n => n.Op is Ops.Affine or Ops.BatchNorm).ToList())
        {
            if (composed.Contains(first.Name)) continue;
            var x = graph[first.Operands[0]];
            if (x.Type.Kind != ValueKind.Int || QuantizerChain.FeedsQuantizer(graph, first)) continue;
            var run = Run(graph, first);
            if (run.Any(n => n.Op == Ops.BatchNorm) && x.Op is not (Ops.PlaneDot or Ops.BinDot)) continue;
            var last = run[^1];
            int n = last.Type.Length;
            var a = Enumerable.Repeat(1.0, n).ToArray();
            var c = new double[n];
            foreach (var node in run)
            {
                for (int j = 0; j < n; j++)
                {
                    var (aj, cj) = Coefficients(node, j);
                    (a[j], c[j]) = (aj * a[j], (aj * c[j]) + cj);
                }
            }
            foreach (var node in run.SkipLast(1)) graph.Remove(node.Name);
            composed.UnionWith(run.Select(r => r.Name));
            if (graph.Users(last.Name).ToList() is [{ Op: Ops.Output } output] && output.Symbol("kind") == "class"
                && a.All(v => v == a[0] && v > 0) && c.All(v => v == c[0]))
            {
                graph.ReplaceUses(last.Name, x.Name);
                graph.Remove(last.Name);
                changed = true;
                continue;
            }
            long magnitude = Math.Max(Math.Abs(x.Type.Min), Math.Abs(x.Type.Max));
            var exact = DyadicAffine.Of(a, c, x.Type.Scale, magnitude);
            var scale = new Node(last.Name, Ops.Scale, [x.Name], GraphType.Int(n, 0, 0, Math.ScaleB(1, exact.Exponent)),
                ("mul", new IntTensorAttr([n], exact.Mul)), ("add", new IntTensorAttr([n], exact.Add)), ("shift", new IntAttr(0)));
            graph.Replace(last.Name, scale with { Type = RangeRules.Infer(scale, t => graph[t].Type) });
            double rounding = run.Count == 1 ? 0 : Enumerable.Range(0, n).Max(j => 4 * Math.ScaleB(Math.Abs(a[j] * magnitude * x.Type.Scale) + Math.Abs(c[j]), -52) * run.Count);
            context.Corresponds(last.Name, last.Name, exact.Error + rounding);
            changed = true;
        }
        return changed;
    }

    /// <summary><paramref name="first"/> and the Affine / BatchNorm nodes that follow it, each the single user of the one before.</summary>
    private static List<Node> Run(GraphBuilder graph, Node first)
    {
        var run = new List<Node> { first };
        while (graph.Users(run[^1].Name).ToList() is [{ Op: Ops.Affine or Ops.BatchNorm } next]) run.Add(next);
        return run;
    }

    /// <summary>(a_j, c_j) of y_j = a_j x + c_j.</summary>
    private static (double A, double C) Coefficients(Node node, int j)
    {
        if (node.Op == Ops.BatchNorm) return AffineFolding.Affine(node, j);
        var scale = node.RealTensor("scale").Data;
        var bias = node.RealTensor("bias").Data;
        return (scale.Length == 1 ? scale[0] : scale[j], bias.Length == 1 ? bias[0] : bias[j]);
    }
}
