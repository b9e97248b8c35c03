using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// window and max-pool move values without computing on them, so on an integer or bit operand
/// they take its type: a window's integer range grows to include its padding value 0 (0/1 bits
/// pad with the 0 bit; +-1 bits cannot hold 0, so a window of them that reaches padding gives
/// the integers -1, 0, +1, which the binary layer after it binarizes as an integer input: the
/// padding's sign s(0) = +1 and its |0| = 0 in the chunk mean, as the model defines), a max-pool
/// keeps the range. Types are set again whenever the operand's changed (requantization moves
/// its scale). Exact.
/// </summary>
public sealed class LowerWindow : Pass
{
    public override string Name => "lower-window";
    public override string Description => "window and max-pool on integers or bits take their operand's type (a window's range includes its padding 0)";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var name in graph.Nodes.Where(n => Ops.Movement.Contains(n.Op)).Select(n => n.Name).ToList())
        {
            var node = graph[name];
            var x = graph[node.Operands[0]].Type;
            if (x.Kind == ValueKind.Real) continue;
            var type = x with { Length = node.Type.Length };
            if (node.Op == Ops.Window && x.Kind == ValueKind.Bits && x.Encoding == BitEncoding.PlusMinus && WindowAttrs.Geometry(node).SourceMap().Contains(-1))
                type = GraphType.Int(node.Type.Length, -1, 1);
            else if (x.Kind == ValueKind.Int) type = RangeRules.Infer(node with { Type = type }, n => graph[n].Type);
            if (type == node.Type) continue;
            bool lowered = node.Type.Kind == ValueKind.Real;
            graph.Replace(name, node with { Type = type });
            if (lowered) context.Corresponds(name, name, 0);
            changed = true;
        }
        return changed;
    }
}
