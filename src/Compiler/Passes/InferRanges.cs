using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// Interval analysis over the whole integer graph, in order: every integer value's type gets the
/// range it provably stays in, so its printed width is the smallest that cannot overflow.
/// </summary>
public sealed class InferRanges : Pass
{
    public override string Name => "infer-ranges";
    public override string Description => "Recompute every integer value's proven range (and so its bit width)";
    public override IReadOnlyList<string> Requires => [Properties.Integer];
    public override IReadOnlyList<string> Establishes => [Properties.Ranges];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.Type.Kind != ValueKind.Int) continue;
            var type = RangeRules.Infer(node, n => graph[n].Type);
            if (type == node.Type) continue;
            graph.Replace(node.Name, node with { Type = type });
            changed = true;
        }
        return changed;
    }
}
