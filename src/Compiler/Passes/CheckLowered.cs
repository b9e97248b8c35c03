using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>Establishes that no layer-level op is left, or says which layer could not be lowered and why.</summary>
public sealed class CheckLowered : Pass
{
    public override string Name => "check-lowered";
    public override string Description => "Fail with the first layer that could not be lowered to integers";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];
    public override IReadOnlyList<string> Establishes => [Properties.Integer];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        foreach (var node in graph.Nodes)
        {
            if (!Ops.LayerLevel.Contains(node.Op)) continue;
            var operand = graph[node.Operands[0]];
            string why = node.Op switch
            {
                Ops.BatchNorm => "a BatchNorm must directly follow a LinearLayer, BinLayer or QuantLinear (it is folded into it) or feed a Sign or a quantizer",
                Ops.Sigmoid => "a Sigmoid is supported only before the output",
                Ops.Binarize => "a BinarizeLayer must be followed by a BinLayer with the same binAggression",
                _ when operand.Type.Kind == ValueKind.Real => $"its input ({ModelImporter.Describe(operand)}) could not be lowered",
                _ => $"no lowering for {node.Op} on {operand.Type}",
            };
            throw new UserError($"{ModelImporter.Describe(node)} cannot be lowered to integers: {why}");
        }
        return false;
    }
}
