using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A Sigmoid feeding a scores output becomes a power-of-two-slope piecewise-linear unit (PLAN):
/// first x is brought to fixed point with <see cref="InputFraction"/> fraction bits by a
/// constant shift-add multiply, then pwl-sigmoid gives --sigmoid-frac-bits fraction bits.
/// Declared bound: PLAN's own error (max 0.0189) plus the rounding of both steps.
/// </summary>
public sealed class LowerSigmoid : Pass
{
    public const int InputFraction = 12;
    public const double PlanMaxError = 0.0189;

    public override string Name => "lower-sigmoid";
    public override string Description => "Sigmoid before a scores output becomes a piecewise-linear unit with power-of-two slopes";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput, Properties.OutputSigmoidHandled];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var sigmoid in graph.Nodes.Where(n => n.Op == Ops.Sigmoid).ToList())
        {
            var x = graph[sigmoid.Operands[0]];
            if (x.Type.Kind != ValueKind.Int) continue;
            if (graph.Users(sigmoid.Name).Any(u => u.Op != Ops.Output))
                throw new UserError($"{ModelImporter.Describe(sigmoid)} cannot be lowered: a Sigmoid is supported only right before the output");
            // fixed = (x * mul) >> shift approximates x * scale * 2^InputFraction; mul keeps 16 significant bits.
            double factor = x.Type.Scale * (1 << InputFraction);
            int shift = Math.Max(0, 15 - (int)Math.Floor(Math.Log2(factor)));
            long mul = Math.Max(1, Quantizer.Round(factor * Math.Pow(2, shift)));
            var fixedName = graph.Fresh(sigmoid.Name + ".fixed");
            var toFixed = new Node(fixedName, Ops.Scale, sigmoid.Operands, GraphType.Int(x.Type.Length, 0, 0, 1.0 / (1 << InputFraction)),
                ("mul", new IntAttr(mul)), ("add", new IntAttr(0)), ("shift", new IntAttr(shift)));
            graph.InsertBefore(sigmoid.Name, toFixed with { Type = RangeRules.Infer(toFixed, n => graph[n].Type) });
            int frac = context.Options.SigmoidFractionBits;
            var pwl = new Node(sigmoid.Name, Ops.PwlSigmoid, [fixedName], GraphType.Int(x.Type.Length, 0, 0, Math.Pow(2, -frac)),
                ("in-frac", new IntAttr(InputFraction)), ("frac", new IntAttr(frac)));
            graph.Replace(sigmoid.Name, pwl with { Type = RangeRules.Infer(pwl, n => graph[n].Type) });
            double rounding = (Math.Pow(2, -InputFraction) / 4) + Math.Pow(2, -frac) + (Math.Abs(mul / Math.Pow(2, shift) - factor) / (1 << InputFraction) * Math.Max(Math.Abs(x.Type.Min), Math.Abs(x.Type.Max)) / 4);
            context.Corresponds(sigmoid.Name, sigmoid.Name, PlanMaxError + rounding);
            changed = true;
        }
        return changed;
    }
}
