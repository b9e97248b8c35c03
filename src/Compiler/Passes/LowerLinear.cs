using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A LinearLayer on an integer x (scale s), with the BatchNorm that follows it folded in
/// (W'_ij = W_ij a_j, b'_j = (b_j - mean_j) a_j + beta_j, a_j = gamma_j / sqrt(var_j + eps)),
/// becomes dense: acc_j = sum_i x_i Wq_ij + bq_j with Wq the weights quantized to
/// --first-layer-bits signed constants (or exactly +-1 when they are all +-c), so the hardware
/// needs only shifts and adds. Declared bound: max_j sum_i max|x| s |W'_ij - Wq_ij step| + step s / 2.
/// Weights that are all +-c stay +-1 (an add/subtract tree, 1 bit of ROM each) even when a
/// BatchNorm follows: folding it in would give every column its own magnitude, so it becomes a
/// per-neuron fixed-point scale after the sum instead. A LinearLayer on the receptive fields of
/// a window (a Conv2D) is the same dense on each of them, its BatchNorm per output channel.
/// </summary>
public sealed class LowerLinear : Pass
{
    public override string Name => "lower-linear";
    public override string Description => "LinearLayer (+ BatchNorm) becomes dense with quantized constant weights";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];
    public override IReadOnlyList<string> Establishes => [Properties.LinearLowered];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var linear in graph.Nodes.Where(n => n.Op == Ops.Linear).ToList())
        {
            var x = graph[linear.Operands[0]];
            if (x.Type.Kind == ValueKind.Bits)
                throw new UserError($"{ModelImporter.Describe(linear)} cannot be lowered: a LinearLayer on binarized values (use a BinLayer)");
            if (x.Type.Kind != ValueKind.Int)
            {
                if (graph[x.Name].Op == Ops.Binarize)
                    throw new UserError($"{ModelImporter.Describe(linear)} cannot be lowered: a LinearLayer after a BinarizeLayer (use a BinLayer, whose weights are binarized too)");
                continue;
            }
            var norm = AffineFolding.FollowingBatchNorm(graph, linear);
            var weights = linear.RealTensor("weights");
            if (norm is not null && IsBinary(weights))
            {
                LowerBinaryWithBatchNorm(context, linear, x, norm);
                changed = true;
                continue;
            }
            int inputs = weights.Shape[0], outputs = weights.Shape[1];
            var folded = new double[weights.Data.Length];
            var bias = new double[outputs];
            for (int j = 0; j < outputs; j++)
            {
                var (a, c) = AffineFolding.Affine(norm, j);
                double b = linear.Find("bias") is RealTensorAttr biasAttr ? biasAttr.Data[j] : 0;
                bias[j] = (b * a) + c;
                for (int i = 0; i < inputs; i++) folded[(i * outputs) + j] = weights.Data[(i * outputs) + j] * a;
            }
            var (quantized, step) = Quantizer.Symmetric(folded, context.Options.FirstLayerBits);
            double scale = x.Type.Scale * step;
            var biasQ = bias.Select(b => Quantizer.Round(b / scale)).ToArray();

            var dense = new Node(linear.Name, Ops.Dense, linear.Operands, GraphType.Int(linear.Type.Length, 0, 0, scale),
                ("weights", new IntTensorAttr([inputs, outputs], quantized)));
            if (biasQ.Any(b => b != 0)) dense = dense.With("bias", new IntTensorAttr([outputs], biasQ));
            if (norm is not null) dense = dense.With(AffineFolding.TypicalAttr, new RealAttr(AffineFolding.TypicalMagnitude(norm)));
            dense = dense with { Type = RangeRules.Infer(dense, n => graph[n].Type) };
            graph.Replace(linear.Name, dense);
            string replaced = linear.Name;
            if (norm is not null)
            {
                graph.ReplaceUses(norm.Name, linear.Name);
                graph.Remove(norm.Name);
                replaced = norm.Name;
            }

            double xMax = Math.Max(Math.Abs(x.Type.Min), Math.Abs(x.Type.Max)) * x.Type.Scale;
            double bound = 0;
            for (int j = 0; j < outputs; j++)
            {
                double weightError = 0;
                for (int i = 0; i < inputs; i++) weightError += Math.Abs(folded[(i * outputs) + j] - (quantized[(i * outputs) + j] * step));
                bound = Math.Max(bound, (weightError * xMax) + Math.Abs(bias[j] - (biasQ[j] * scale)));
            }
            context.Corresponds(replaced, linear.Name, bound);
            changed = true;
        }
        return changed;
    }

    private static bool IsBinary(RealTensorAttr weights) =>
        weights.Data.Length > 0 && weights.Data[0] != 0 && weights.Data.All(w => Math.Abs(w) == Math.Abs(weights.Data[0]));

    private static void LowerBinaryWithBatchNorm(PassContext context, Node linear, Node x, Node norm)
    {
        var graph = context.Graph;
        var weights = linear.RealTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        double magnitude = Math.Abs(weights.Data[0]);
        double scale = x.Type.Scale * magnitude;
        var signs = weights.Data.Select(w => w >= 0 ? 1L : -1L).ToArray();
        var bias = linear.Find("bias") is RealTensorAttr b ? b.Data.Select(v => Quantizer.Round(v / scale)).ToArray() : new long[outputs];
        string sumName = graph.Fresh(linear.Name + ".sum");
        var dense = new Node(sumName, Ops.Dense, linear.Operands, GraphType.Int(linear.Type.Length, 0, 0, scale),
            ("weights", new IntTensorAttr([inputs, outputs], signs)));
        if (bias.Any(v => v != 0)) dense = dense.With("bias", new IntTensorAttr([outputs], bias));
        dense = dense with { Type = RangeRules.Infer(dense, n => graph[n].Type) };
        graph.InsertBefore(linear.Name, dense);

        var (scaled, error) = AffineFolding.ScaleAfter(linear.Name, dense, norm, context.Options.CoefBits);
        scaled = scaled.With(AffineFolding.TypicalAttr, new RealAttr(AffineFolding.TypicalMagnitude(norm)));
        graph.Replace(linear.Name, scaled with { Type = RangeRules.Infer(scaled, n => graph[n].Type) });
        graph.ReplaceUses(norm.Name, linear.Name);
        graph.Remove(norm.Name);

        double biasError = 0;
        if (linear.Find("bias") is RealTensorAttr realBias)
        {
            for (int j = 0; j < outputs; j++)
                biasError = Math.Max(biasError, Math.Abs(AffineFolding.Affine(norm, j).A) * Math.Abs(realBias.Data[j] - (bias[j] * scale)));
        }
        context.Corresponds(norm.Name, linear.Name, error + biasError);
    }
}
