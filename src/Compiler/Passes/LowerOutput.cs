using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>A class output becomes argmax (first maximum wins, as in the reference); scores stay the values.</summary>
public sealed class LowerOutput : Pass
{
    public override string Name => "lower-output";
    public override string Description => "Class output becomes argmax over the integer scores";
    public override IReadOnlyList<string> Requires => [Properties.Integer];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        var output = graph.Nodes[^1];
        var value = graph[output.Operands[0]];
        if (output.Type.Kind == ValueKind.Int) return false;
        if (output.Symbol("kind") == "class" && value.Op != Ops.ArgMax)
        {
            var argmax = new Node(graph.Fresh("class"), Ops.ArgMax, [value.Name], GraphType.Int(1, 0, 0, 1));
            graph.InsertBefore(output.Name, argmax with { Type = RangeRules.Infer(argmax, n => graph[n].Type) });
            value = graph[argmax.Name];
        }
        graph.Replace(output.Name, output with { Operands = [value.Name], Type = value.Type });
        return true;
    }
}
