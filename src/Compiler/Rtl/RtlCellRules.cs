using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Rtl;

/// <summary>The arity and width rule of every cell kind (as documented on <see cref="RtlOp"/>).</summary>
public static class RtlCellRules
{
    /// <summary>What is wrong with <paramref name="cell"/>, or null when it follows its rule.</summary>
    public static string? Problem(RtlCell cell)
    {
        var output = cell.Output;
        var inputs = cell.Inputs;
        string? arity = cell.Op switch
        {
            RtlOp.Const => Count(0),
            RtlOp.Buffer or RtlOp.Not or RtlOp.Slice or RtlOp.ZeroExt or RtlOp.SignExt or RtlOp.ShlConst
                or RtlOp.ShrConst or RtlOp.SarConst or RtlOp.Popcount or RtlOp.ReduceOr or RtlOp.ReduceAnd => Count(1),
            RtlOp.Mux => Count(3),
            RtlOp.Concat => inputs.Count >= 1 ? null : "needs at least 1 input, has 0",
            _ => Count(2),
        };
        if (arity is not null) return $"{What()}: {arity}";
        if (cell.Op != RtlOp.Const && !cell.Value.IsZero) return $"{What()}: only a const cell has a value";
        if (!RtlTextSyntax.HasAmount(cell.Op) && cell.Amount != 0) return $"{What()}: only slice and constant shifts have an amount";
        if (cell.Amount < 0) return $"{What()}: negative amount {cell.Amount}";
        string? rule = cell.Op switch
        {
            RtlOp.Const => cell.Value.Sign < 0 || cell.Value >= BigInteger.One << output.Width
                ? $"value 0x{RtlTextSyntax.Hex(cell.Value, output.Width)} does not fit the output's {output.Width} bits" : null,
            RtlOp.Buffer or RtlOp.Not or RtlOp.And or RtlOp.Or or RtlOp.Xor or RtlOp.Add or RtlOp.Sub
                or RtlOp.ShlConst or RtlOp.ShrConst or RtlOp.SarConst => AllLike(inputs, output),
            RtlOp.Eq or RtlOp.Ne or RtlOp.LtU or RtlOp.LtS or RtlOp.LeU or RtlOp.LeS =>
                inputs[0].Width != inputs[1].Width ? $"operands {inputs[0]} and {inputs[1]} differ in width"
                : output.Width != 1 ? $"output {output} must be 1 bit" : null,
            RtlOp.Mux => inputs[0].Width != 1 ? $"select {inputs[0]} must be 1 bit" : AllLike(inputs.Skip(1), output),
            RtlOp.Concat => inputs.Sum(i => i.Width) != output.Width
                ? $"parts {string.Join(", ", inputs)} add up to {inputs.Sum(i => i.Width)} bits, output {output} has {output.Width}" : null,
            RtlOp.Slice => cell.Amount + output.Width > inputs[0].Width
                ? $"bits [{cell.Amount + output.Width - 1}:{cell.Amount}] lie outside input {inputs[0]}" : null,
            RtlOp.ZeroExt or RtlOp.SignExt => output.Width < inputs[0].Width ? $"output {output} is narrower than input {inputs[0]}" : null,
            RtlOp.Shl or RtlOp.Shr or RtlOp.Sar => output.Width != inputs[0].Width ? $"output {output} must have the width of the shifted input {inputs[0]}" : null,
            RtlOp.Popcount => output.Width < BitWidth.ToHold(inputs[0].Width)
                ? $"output {output} cannot hold a count up to {inputs[0].Width} (needs {BitWidth.ToHold(inputs[0].Width)} bits)" : null,
            RtlOp.ReduceOr or RtlOp.ReduceAnd => output.Width != 1 ? $"output {output} must be 1 bit" : null,
            _ => $"unknown cell kind {cell.Op}",
        };
        return rule is null ? null : $"{What()}: {rule}";

        string What() => $"cell {output.Name} ({RtlTextSyntax.Word(cell.Op)})";
        string? Count(int expected) => inputs.Count == expected ? null : $"needs {expected} input{(expected == 1 ? "" : "s")}, has {inputs.Count}";
    }

    private static string? AllLike(IEnumerable<RtlSignal> inputs, RtlSignal output)
    {
        var wrong = inputs.Where(i => i.Width != output.Width).ToList();
        return wrong.Count == 0 ? null : $"input{(wrong.Count > 1 ? "s" : "")} {string.Join(", ", wrong)} must have the output's width ({output})";
    }
}
