using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// HardTanh on an integer x (scale s) becomes clamp(x, -L, L) with L = round(1 / s). Declared
/// bound: |L s - 1| (the clip level is the nearest representable one).
/// </summary>
public sealed class LowerHardTanh : Pass
{
    public override string Name => "lower-hardtanh";
    public override string Description => "HardTanh on integers becomes clamp at +-round(1/scale)";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var node in graph.Nodes.Where(n => n.Op == Ops.HardTanh).ToList())
        {
            var x = graph[node.Operands[0]];
            if (x.Type.Kind != ValueKind.Int) continue;
            long level = Math.Max(1, Quantizer.Round(1 / x.Type.Scale));
            var clamp = new Node(node.Name, Ops.Clamp, node.Operands, x.Type, ("lo", new IntAttr(-level)), ("hi", new IntAttr(level)));
            graph.Replace(node.Name, clamp with { Type = RangeRules.Infer(clamp, n => graph[n].Type) });
            context.Corresponds(node.Name, node.Name, Math.Abs((level * x.Type.Scale) - 1));
            changed = true;
        }
        return changed;
    }
}
