using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// affine-sign on an integer x (scale s) becomes an integer threshold: bit_j = dir_j * x_j &gt;= t_j.
/// The threshold is found by searching x's proven range with the very BatchNorm expression the
/// float reference evaluates, so the bits agree with the reference on every integer (exact).
/// gamma &gt; 0 gives x &gt;= t (dir +1), gamma &lt; 0 gives x &lt;= t (dir -1), gamma = 0 a constant.
/// </summary>
public sealed class LowerBatchNormSign : Pass
{
    public override string Name => "lower-batchnorm-sign";
    public override string Description => "BatchNorm + Sign on integers becomes integer thresholds";
    public override IReadOnlyList<string> Requires => [Properties.SignsFused, Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var node in graph.Nodes.Where(n => n.Op == Ops.AffineSign).ToList())
        {
            var x = graph[node.Operands[0]];
            if (x.Type.Kind != ValueKind.Int) continue;
            // per feature, or per channel of an image: the tensors repeat along it (channels-last)
            var norm = LayerMath.BatchNorm(node);
            int n = norm.Gamma.Length;
            var thresholds = new long[n];
            var directions = new long[n];
            for (int j = 0; j < n; j++) (thresholds[j], directions[j]) = Threshold(norm, j, x.Type);
            graph.Replace(node.Name, new Node(node.Name, Ops.Threshold, node.Operands, GraphType.Bits(node.Type.Length, BitEncoding.PlusMinus),
                ("t", new IntTensorAttr([n], thresholds)), ("dir", new IntTensorAttr([n], directions))));
            context.Corresponds(node.Name, node.Name, 0);
            changed = true;
        }
        return changed;
    }

    private static (long Threshold, long Direction) Threshold(BatchNormParameters norm, int j, GraphType x)
    {
        bool Positive(long value) => norm.Value(j, value * x.Scale) >= 0;
        double gamma = norm.Gamma[j];
        if (gamma == 0) return (Positive(0) ? 0 : 1, 0);
        if (gamma > 0)
        {
            // smallest value in [Min, Max + 1] that is positive (Max + 1: never)
            long lo = x.Min, hi = x.Max + 1;
            while (lo < hi)
            {
                long mid = lo + ((hi - lo) / 2);
                if (Positive(mid)) hi = mid;
                else lo = mid + 1;
            }
            return (lo, 1);
        }
        else
        {
            // largest value in [Min - 1, Max] that is positive (Min - 1: never); bit = x <= v, i.e. -x >= -v
            long lo = x.Min - 1, hi = x.Max;
            while (lo < hi)
            {
                long mid = lo + ((hi - lo + 1) / 2);
                if (Positive(mid)) lo = mid;
                else hi = mid - 1;
            }
            return (-lo, -1);
        }
    }
}
