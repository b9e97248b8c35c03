using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// An Affine, or a BatchNorm on the result of a QuantLinear (bin-dot or plane-dot; other
/// layers fold their BatchNorm themselves), on an integer x that no quantizer absorbs, becomes the integer scale y_j = mul_j * x_j + add_j with scale 2^e: a_j, c_j and x's
/// scale are integers times powers of two, so this is exact unless it would not fit 62 bits,
/// when the constants are rounded and the pass declares by how much (DyadicAffine). Right
/// before a class output, one positive map for every class (TensorNorm's scalar affine) cannot
/// change the argmax and is dropped.
/// </summary>
public sealed class LowerAffine : Pass
{
    public override string Name => "lower-affine";
    public override string Description => "Affine / BatchNorm on integers becomes an exact integer scale, or is dropped before a class output";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var node in graph.Nodes.Where(n => n.Op is Ops.Affine or Ops.BatchNorm).ToList())
        {
            var x = graph[node.Operands[0]];
            if (x.Type.Kind != ValueKind.Int || QuantizerChain.FeedsQuantizer(graph, node)) continue;
            if (node.Op == Ops.BatchNorm && x.Op is not (Ops.PlaneDot or Ops.BinDot)) continue;
            int n = node.Type.Length;
            var a = new double[n];
            var c = new double[n];
            for (int j = 0; j < n; j++) (a[j], c[j]) = Coefficients(node, j);
            if (graph.Users(node.Name).ToList() is [{ Op: Ops.Output } output] && output.Symbol("kind") == "class"
                && a.All(v => v == a[0] && v > 0) && c.All(v => v == c[0]))
            {
                graph.ReplaceUses(node.Name, x.Name);
                graph.Remove(node.Name);
                changed = true;
                continue;
            }
            var exact = DyadicAffine.Of(a, c, x.Type.Scale, Math.Max(Math.Abs(x.Type.Min), Math.Abs(x.Type.Max)));
            var scale = new Node(node.Name, Ops.Scale, [x.Name], GraphType.Int(n, 0, 0, Math.ScaleB(1, exact.Exponent)),
                ("mul", new IntTensorAttr([n], exact.Mul)), ("add", new IntTensorAttr([n], exact.Add)), ("shift", new IntAttr(0)));
            graph.Replace(node.Name, scale with { Type = RangeRules.Infer(scale, t => graph[t].Type) });
            context.Corresponds(node.Name, node.Name, exact.Error);
            changed = true;
        }
        return changed;
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
