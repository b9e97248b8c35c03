using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>A Sigmoid right before a class output is removed: it is monotone, so argmax does not change.</summary>
public sealed class DropOutputSigmoid : Pass
{
    public override string Name => "drop-output-sigmoid";
    public override string Description => "Remove a Sigmoid before a class (argmax) output";
    public override IReadOnlyList<string> Requires => [Properties.LayerGraph];
    public override IReadOnlyList<string> Establishes => [Properties.OutputSigmoidHandled];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        var output = graph.Nodes[^1];
        if (output.Symbol("kind") != "class") return false;
        var last = graph[output.Operands[0]];
        if (last.Op != Ops.Sigmoid || graph.Users(last.Name).Count() != 1) return false;
        graph.ReplaceUses(last.Name, last.Operands[0]);
        graph.Remove(last.Name);
        return true;
    }
}
