using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// Widths would grow layer after layer, because each binary layer multiplies chunk sums of the
/// previous one. Before an integer activation is Hadamard-binarized (by a BinarizeLayer or
/// BinLayer not lowered yet), it is shifted right (floor) to fit --activation-bits, and its scale
/// grows by the same power of two; a Ramp in between moves after the shift (relu commutes with a
/// floor shift). Runs inside the lowering group, so the binary layer then takes its constants
/// from the shifted scale. hb is positively homogeneous: only the dropped low bits change anything.
/// The shift is sized by the proven range, or, where a BatchNorm was folded in, by the range its
/// population statistics give (|beta| + 8 |gamma|): the proven range of a binary layer is orders
/// of magnitude wider than its values, and sizing by it would shift the values away. Beyond that
/// range the value saturates (an explicit clamp), so overflow stays impossible.
/// Declared bound: one unit of the new scale (inside the statistical range when it saturates).
/// </summary>
public sealed class Requantize : Pass
{
    public override string Name => "requantize";
    public override string Description => "Shift (and saturate) activations before Hadamard binarization to cap their width";
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
            int bits = context.Options.ActivationBits;
            if (producer.Op == Ops.Input || producer.Type.Width <= bits) continue;

            // Widths count as GraphType counts them: a value proven non-negative keeps all its bits
            // for magnitude (u16), a signed one spends one on the sign (s16).
            bool unsigned = producer.Type.Min >= 0;
            long hi = unsigned ? (1L << bits) - 1 : (1L << (bits - 1)) - 1, lo = unsigned ? 0 : -(1L << (bits - 1));
            int excess = producer.Type.Width - bits;
            double within = double.PositiveInfinity;
            if (producer.Find(AffineFolding.TypicalAttr) is RealAttr typical)
            {
                // shift so that the statistical range fills the activation width
                double magnitude = typical.Value / producer.Type.Scale;
                int needed = (int)Math.Ceiling(Math.Log2(magnitude + 1)) + (unsigned ? 0 : 1);
                int statistical = Math.Max(0, needed - bits);
                if (statistical < excess)
                {
                    excess = statistical;
                    within = typical.Value;
                }
            }

            var chain = new List<Node>();
            var last = producer;
            if (excess > 0)
            {
                var type = producer.Type with { Min = producer.Type.Min >> excess, Max = producer.Type.Max >> excess, Scale = producer.Type.Scale * Math.Pow(2, excess) };
                last = new Node(graph.Fresh(producer.Name + ".q"), Ops.Shift, [producer.Name], type, ("amount", new IntAttr(excess)));
                chain.Add(last);
            }
            if (last.Type.Min < lo || last.Type.Max > hi)
            {
                var clamp = new Node(graph.Fresh(producer.Name + ".sat"), Ops.Clamp, [last.Name], last.Type, ("lo", new IntAttr(lo)), ("hi", new IntAttr(hi)));
                last = clamp with { Type = RangeRules.Infer(clamp, n => n == last.Name ? last.Type : graph[n].Type) };
                chain.Add(last);
            }
            graph.InsertAfter(producer.Name, [.. chain]);
            if (activation.Op == Ops.Relu)
            {
                var relu = activation with { Operands = [last.Name], Type = last.Type };
                graph.Replace(activation.Name, relu with { Type = RangeRules.Infer(relu, n => graph[n].Type) });
            }
            else
            {
                graph.ReplaceUses(producer.Name, last.Name, except: chain[0].Name);
            }
            context.Corresponds(activation.Name, activation.Op == Ops.Relu ? activation.Name : last.Name, last.Type.Scale, within);
            changed = true;
        }
        return changed;
    }
}
