using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A Flatten is removed: images are stored flat in channels-last order already, so it moves
/// nothing (exact). What follows reads the same values in the same order.
/// </summary>
public sealed class DropFlatten : Pass
{
    public override string Name => "drop-flatten";
    public override string Description => "Remove Flatten (a channels-last image is already the flat vector)";
    public override IReadOnlyList<string> Requires => [Properties.LayerGraph];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var flatten in graph.Nodes.Where(n => n.Op == Ops.Flatten).ToList())
        {
            graph.ReplaceUses(flatten.Name, flatten.Operands[0]);
            graph.Remove(flatten.Name);
            context.Corresponds(flatten.Name, flatten.Operands[0], 0);
            changed = true;
        }
        return changed;
    }
}
