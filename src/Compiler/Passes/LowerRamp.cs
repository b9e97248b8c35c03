using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>Ramp on an integer becomes relu, max(0, x) (exact).</summary>
public sealed class LowerRamp : Pass
{
    public override string Name => "lower-ramp";
    public override string Description => "Ramp on integers becomes relu";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var ramp in graph.Nodes.Where(n => n.Op == Ops.Ramp).ToList())
        {
            var x = graph[ramp.Operands[0]];
            if (x.Type.Kind != ValueKind.Int) continue;
            var relu = new Node(ramp.Name, Ops.Relu, ramp.Operands, [], x.Type);
            graph.Replace(ramp.Name, relu with { Type = RangeRules.Infer(relu, n => graph[n].Type) });
            context.Corresponds(ramp.Name, ramp.Name, 0);
            changed = true;
        }
        return changed;
    }
}
