using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Netlists;

/// <summary>
/// The operand and result widths each cell kind requires (RtlOp.cs). The simulators check them
/// before trusting a design, because the compiled code relies on them (an Add of unequal widths
/// would silently read the wrong words).
/// </summary>
public static class CellWidthRules
{
    public static void Check(string module, RtlCell cell)
    {
        string? problem = Problem(cell);
        if (problem is not null)
            throw new UserError($"module {module}: cell {cell.Op} driving {cell.Output.Name}: {problem}");
    }

    private static string? Problem(RtlCell cell)
    {
        int w = cell.Output.Width;
        var inputs = cell.Inputs;
        string? Arity(int n) => inputs.Count == n ? null : $"needs {n} inputs, has {inputs.Count}";
        string? AllWidth(int width) => inputs.All(i => i.Width == width) ? null
            : $"operands must be {width} bits, are {string.Join(", ", inputs.Select(i => i.Width))}";

        return cell.Op switch
        {
            RtlOp.Const => Arity(0) ?? (cell.Value.Sign < 0 || cell.Value > CellSemantics.Mask(w) ? $"constant {cell.Value} does not fit {w} bits" : null),
            RtlOp.Buffer or RtlOp.Not => Arity(1) ?? AllWidth(w),
            RtlOp.And or RtlOp.Or or RtlOp.Xor or RtlOp.Add or RtlOp.Sub => Arity(2) ?? AllWidth(w),
            RtlOp.Eq or RtlOp.Ne or RtlOp.LtU or RtlOp.LtS or RtlOp.LeU or RtlOp.LeS =>
                Arity(2) ?? (w != 1 ? "a comparison drives 1 bit" : AllWidth(inputs[0].Width)),
            RtlOp.Mux => Arity(3) ?? (inputs[0].Width != 1 ? "the select must be 1 bit"
                : inputs[1].Width != w || inputs[2].Width != w ? "both choices must have the output width" : null),
            RtlOp.Concat => inputs.Count == 0 ? "needs at least one input"
                : inputs.Sum(i => i.Width) != w ? $"parts add up to {inputs.Sum(i => i.Width)} bits, not {w}" : null,
            RtlOp.Slice => Arity(1) ?? (cell.Amount < 0 || cell.Amount + w > inputs[0].Width ? $"slice [{cell.Amount + w - 1}:{cell.Amount}] is outside {inputs[0].Width} bits" : null),
            RtlOp.ZeroExt or RtlOp.SignExt => Arity(1) ?? (inputs[0].Width > w ? "cannot extend to a narrower width" : null),
            RtlOp.ShlConst or RtlOp.ShrConst or RtlOp.SarConst => Arity(1) ?? (cell.Amount < 0 ? "negative shift" : AllWidth(w)),
            RtlOp.Shl or RtlOp.Shr or RtlOp.Sar => Arity(2) ?? (inputs[0].Width != w ? "the shifted value must have the output width" : null),
            RtlOp.Popcount => Arity(1) ?? ((1L << Math.Min(w, 62)) <= inputs[0].Width ? $"{w} bits cannot hold a count up to {inputs[0].Width}" : null),
            RtlOp.ReduceOr or RtlOp.ReduceAnd => Arity(1) ?? (w != 1 ? "a reduction drives 1 bit" : null),
            _ => $"unknown cell kind {cell.Op}",
        };
    }
}
