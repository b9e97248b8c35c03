using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// Sign on an integer becomes a threshold: bipolar x &gt;= 0 (+1/-1 bits), or unipolar x &gt;= 1
/// (0/1 bits) after a non-negative input. Exact.
/// </summary>
public sealed class LowerSign : Pass
{
    public override string Name => "lower-sign";
    public override string Description => "Sign on integers becomes a threshold at 0 (bipolar) or 1 (unipolar)";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var sign in graph.Nodes.Where(n => n.Op == Ops.Sign).ToList())
        {
            var x = graph[sign.Operands[0]];
            if (x.Type.Kind != ValueKind.Int) continue;
            bool unipolar = sign.Bool("unipolar");
            graph.Replace(sign.Name, new Node(sign.Name, Ops.Threshold, sign.Operands,
                GraphType.Bits(sign.Type.Length, unipolar ? BitEncoding.ZeroOne : BitEncoding.PlusMinus),
                ("t", new IntAttr(unipolar ? 1 : 0))));
            context.Corresponds(sign.Name, sign.Name, 0);
            changed = true;
        }
        return changed;
    }
}
