using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// Widths would grow layer after layer, because each binary layer multiplies chunk sums of the
/// previous one. Before an integer activation is Hadamard-binarized (by a BinarizeLayer or
/// BinLayer not lowered yet), it is shifted right (floor) until its proven range fits
/// --activation-bits, and its scale grows by the same power of two; a Ramp in between moves
/// after the shift (relu commutes with a floor shift). Runs inside the lowering group, so the
/// binary layer then takes its constants from the shifted scale. hb is positively homogeneous:
/// only the dropped low bits change anything. Declared bound: one unit of the new scale.
/// </summary>
public sealed class Requantize : Pass
{
    public override string Name => "requantize";
    public override string Description => "Shift activations right before Hadamard binarization to cap their width";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        var targets = graph.Nodes.Where(n => n.Op is Ops.Binarize or Ops.Bin).Select(n => n.Operands[0]).Distinct().ToList();
        foreach (var name in targets)
        {
            var activation = graph[name];
            if (activation.Type.Kind != ValueKind.Int) continue;
            var producer = activation.Op == Ops.Relu ? graph[activation.Operands[0]] : activation;
            int excess = producer.Type.Width - context.Options.ActivationBits;
            if (excess <= 0 || producer.Op == Ops.Input) continue;

            var shiftedType = producer.Type with
            {
                Min = producer.Type.Min >> excess,
                Max = producer.Type.Max >> excess,
                Scale = producer.Type.Scale * Math.Pow(2, excess),
            };
            var shifted = new Node(graph.Fresh(producer.Name + ".q"), Ops.Shift, [producer.Name], shiftedType, ("amount", new IntAttr(excess)));
            graph.InsertAfter(producer.Name, shifted);
            if (activation.Op == Ops.Relu)
            {
                var relu = activation with { Operands = [shifted.Name], Type = shiftedType };
                graph.Replace(activation.Name, relu with { Type = RangeRules.Infer(relu, n => graph[n].Type) });
            }
            else
            {
                graph.ReplaceUses(producer.Name, shifted.Name, except: shifted.Name);
            }
            context.Corresponds(activation.Name, activation.Op == Ops.Relu ? activation.Name : shifted.Name, shiftedType.Scale);
            changed = true;
        }
        return changed;
    }
}
