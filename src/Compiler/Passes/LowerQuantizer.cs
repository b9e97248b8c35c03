using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A quantizer (Quant, BipolarQuant, MultiThreshold, Trunc) on an integer x, with the
/// elementwise layers in between (Affine, BatchNorm, Ramp, HardTanh, Clip), becomes integer
/// thresholds: y_j = base_j + step * (number of k with dir_j * x_j &gt;= t[j, k]) on the grid of the
/// quantizer's scale, or a 1-bit threshold when the levels are exactly -1/+1 or 0/1. The
/// thresholds are searched with the float reference's own arithmetic over x's whole proven
/// range, so the result equals the reference on every integer (exact); this is FINN's
/// streamlining of BatchNorm and scales into MultiThreshold, done on HwFlow's integer graph.
/// A set of thresholds shared by every element is stored once ([1, steps]).
/// </summary>
public sealed class LowerQuantizer : Pass
{
    /// <summary>8-bit activations: 255 thresholds.</summary>
    public const int MaxSteps = 255;

    public override string Name => "lower-quantizer";
    public override string Description => "Quantizer (+ elementwise chain) on integers becomes integer thresholds";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var quantizer in graph.Nodes.Where(n => QuantizerChain.QuantizerOps.Contains(n.Op)).ToList())
        {
            if (QuantizerChain.Find(graph, quantizer) is not { } chain) continue;
            string what = ModelImporter.Describe(quantizer);
            var search = ThresholdSearch.Run(chain, MaxSteps, what);
            var grid = QuantizerGrid.Of(chain.Layer, chain.Levels, search.Elements, search.Lowest, search.Steps, what);
            var lowered = Build(quantizer.Name, chain.Source, search, grid);
            graph.Replace(quantizer.Name, lowered with { Type = lowered.Type.Kind == ValueKind.Int ? RangeRules.Infer(lowered, n => graph[n].Type) : lowered.Type });
            foreach (var node in chain.Between) graph.Remove(node.Name);
            context.Corresponds(quantizer.Name, quantizer.Name, grid.Error);
            changed = true;
        }
        return changed;
    }

    private static Node Build(string name, Node source, ThresholdSearch search, QuantizerGrid grid)
    {
        int n = search.Elements, steps = search.Steps;
        bool shared = Enumerable.Range(1, n - 1).All(j => search.Directions[j] == search.Directions[0]
            && Enumerable.Range(0, steps).All(k => search.Thresholds[j, k] == search.Thresholds[0, k]));
        int rows = shared ? 1 : n;
        var t = new long[rows * steps];
        for (int j = 0; j < rows; j++)
        {
            for (int k = 0; k < steps; k++) t[(j * steps) + k] = search.Thresholds[j, k];
        }
        var dir = new IntTensorAttr([n], search.Directions);
        bool rising = search.Directions.All(d => d == 1);

        // two levels, exactly -1/+1 or 0/1: one bit per element (XNOR / AND-popcount downstream)
        bool uniformBase = grid.Base.All(b => b == grid.Base[0]);
        if (steps == 1 && grid.Scale == 1 && uniformBase && (grid.Base[0], grid.Step) is (-1, 2) or (0, 1))
        {
            var encoding = grid.Base[0] == -1 ? BitEncoding.PlusMinus : BitEncoding.ZeroOne;
            var tBits = new IntTensorAttr([n], Enumerable.Range(0, n).Select(j => search.Thresholds[shared ? 0 : j, 0]).ToArray());
            var attrs = rising ? new (string, Attr)[] { ("t", tBits) } : [("t", tBits), ("dir", dir)];
            return new Node(name, Ops.Threshold, [source.Name], GraphType.Bits(n, encoding), attrs);
        }

        var list = new List<(string, Attr)> { ("t", new IntTensorAttr([rows, steps], t)) };
        if (!rising) list.Add(("dir", dir));
        list.Add(("base", uniformBase ? new IntAttr(grid.Base[0]) : new IntTensorAttr([n], grid.Base)));
        if (grid.Step != 1) list.Add(("step", new IntAttr(grid.Step)));
        return new Node(name, Ops.Thresholds, [source.Name], GraphType.Int(n, 0, 0, grid.Scale), [.. list]);
    }
}
