using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>The real input x = raw * scale becomes the raw bytes, an integer with that scale (exact).</summary>
public sealed class LowerInput : Pass
{
    public override string Name => "lower-input";
    public override string Description => "Input becomes raw uint8 with its scale";
    public override IReadOnlyList<string> Requires => [Properties.LayerGraph];
    public override IReadOnlyList<string> Establishes => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var input = context.Graph.Nodes.First(n => n.Op == Ops.Input);
        if (input.Type.Kind == ValueKind.Int) return false;
        double scale = input.Real("scale");
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new Runtime.Errors.UserError($"the input scale must be a positive number to lower the model, got {scale}");
        context.Graph.Replace(input.Name, input with { Type = GraphType.Int(input.Type.Length, 0, 255, scale) });
        context.Corresponds(input.Name, input.Name, 0);
        return true;
    }
}
