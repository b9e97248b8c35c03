using System.Numerics;
using System.Text;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Rtl;

/// <summary>
/// The Verilog-2005 right-hand side of each cell. Every signal is an unsigned vector, so an
/// operation that needs signedness says so with $signed(...); every operand already has the
/// width of the result (the checker's width rules), so no implicit extension or truncation
/// happens and Verilator's WIDTH warnings stay quiet.
/// </summary>
internal static class VerilogExpressions
{
    /// <summary>Terms per line in a popcount sum.</summary>
    private const int TermsPerLine = 8;

    public static string Literal(BigInteger value, int width) => $"{width}'h{RtlTextSyntax.Hex(value, width)}";

    public static string Range(int width) => width == 1 ? "" : $"[{width - 1}:0] ";

    public static string Bit(RtlSignal signal, int index) => signal.Width == 1 ? signal.Name : $"{signal.Name}[{index}]";

    /// <summary>The bits [low + width - 1 : low] of <paramref name="signal"/>, as a plain reference when that is all of it.</summary>
    public static string Bits(RtlSignal signal, int low, int width) =>
        low == 0 && width == signal.Width ? signal.Name
        : width == 1 ? Bit(signal, low)
        : $"{signal.Name}[{low + width - 1}:{low}]";

    /// <param name="isZero">Whether a signal is a constant zero (a Const cell of value 0): a multiplexer with such an arm is written as a mask.</param>
    public static string Of(RtlCell cell, Func<RtlSignal, bool>? isZero = null)
    {
        var i = cell.Inputs;
        int width = cell.Output.Width;
        return cell.Op switch
        {
            RtlOp.Const => Literal(cell.Value, width),
            RtlOp.Buffer => i[0].Name,
            RtlOp.Not => $"~{i[0].Name}",
            RtlOp.And => $"{i[0].Name} & {i[1].Name}",
            RtlOp.Or => $"{i[0].Name} | {i[1].Name}",
            RtlOp.Xor => $"{i[0].Name} ^ {i[1].Name}",
            RtlOp.Add => $"{i[0].Name} + {i[1].Name}",
            RtlOp.Sub => $"{i[0].Name} - {i[1].Name}",
            RtlOp.Eq => $"{i[0].Name} == {i[1].Name}",
            RtlOp.Ne => $"{i[0].Name} != {i[1].Name}",
            RtlOp.LtU => $"{i[0].Name} < {i[1].Name}",
            RtlOp.LeU => $"{i[0].Name} <= {i[1].Name}",
            RtlOp.LtS => $"$signed({i[0].Name}) < $signed({i[1].Name})",
            RtlOp.LeS => $"$signed({i[0].Name}) <= $signed({i[1].Name})",
            RtlOp.Mux => Mux(i[0], i[1], i[2], width, isZero ?? (_ => false)),
            RtlOp.Concat => i.Count == 1 ? i[0].Name : "{" + string.Join(", ", i.Select(s => s.Name)) + "}",
            RtlOp.Slice => Bits(i[0], cell.Amount, width),
            RtlOp.ZeroExt => width == i[0].Width ? i[0].Name : $"{{{width - i[0].Width}'d0, {i[0].Name}}}",
            RtlOp.SignExt => width == i[0].Width ? i[0].Name : $"{{{{{width - i[0].Width}{{{Bit(i[0], i[0].Width - 1)}}}}}, {i[0].Name}}}",
            RtlOp.ShlConst => $"{i[0].Name} << {cell.Amount}",
            RtlOp.ShrConst => $"{i[0].Name} >> {cell.Amount}",
            RtlOp.SarConst => $"$signed({i[0].Name}) >>> {cell.Amount}",
            RtlOp.Shl => $"{i[0].Name} << {Amount(i[0], i[1])}",
            RtlOp.Shr => $"{i[0].Name} >> {Amount(i[0], i[1])}",
            RtlOp.Sar => $"$signed({i[0].Name}) >>> {Amount(i[0], i[1])}",
            RtlOp.Popcount => Popcount(i[0], width),
            RtlOp.ReduceOr => $"|{i[0].Name}",
            RtlOp.ReduceAnd => $"&{i[0].Name}",
            _ => throw new InvalidOperationException($"no Verilog for {cell.Op}"),
        };
    }

    /// <summary>
    /// A 2:1 multiplexer, or, when one arm is a constant zero, the other arm masked by the
    /// replicated select: the same function (yosys maps both to the same gates), but Verilator
    /// turns a ?: on a data bit into a branch in C++, and the shift-add products of a first
    /// layer hold thousands of them, mispredicted on pixel data (a mask is branch-free and
    /// vectorises): the fmnist-hbnn-mlp model ran 1.6x faster.
    /// </summary>
    private static string Mux(RtlSignal select, RtlSignal whenOne, RtlSignal whenZero, int width, Func<RtlSignal, bool> isZero) =>
        isZero(whenZero) ? $"{whenOne.Name} & {{{width}{{{select.Name}}}}}"
        : isZero(whenOne) ? $"{whenZero.Name} & ~{{{width}{{{select.Name}}}}}"
        : $"{select.Name} ? {whenOne.Name} : {whenZero.Name}";

    /// <summary>The outputs of the cells that are the constant zero (what <see cref="Of"/>'s isZero asks about).</summary>
    public static HashSet<RtlSignal> Zeros(IEnumerable<RtlCell> cells) =>
        cells.Where(c => c.Op == RtlOp.Const && c.Value.IsZero).Select(c => c.Output).ToHashSet();

    /// <summary>The inputs that the text of <see cref="Of"/> names: all but the zero arm of a multiplexer written as a mask.</summary>
    public static IEnumerable<RtlSignal> Operands(RtlCell cell, Func<RtlSignal, bool> isZero) =>
        cell.Op == RtlOp.Mux && (isZero(cell.Inputs[1]) || isZero(cell.Inputs[2]))
            ? [cell.Inputs[0], isZero(cell.Inputs[2]) ? cell.Inputs[1] : cell.Inputs[2]]
            : cell.Inputs;

    /// <summary>
    /// A barrel shift amount. An amount wider than needed to count past the shifted width is
    /// clamped to that width (same result: everything shifted out), because Verilator rejects a
    /// constant amount beyond 32 bits. The clamp is a self-determined operand, so it cannot
    /// change the signedness of an arithmetic shift.
    /// </summary>
    private static string Amount(RtlSignal shifted, RtlSignal amount)
    {
        int needed = BitWidth.ToHold(shifted.Width);
        if (amount.Width <= needed) return amount.Name;
        return $"(|{Bits(amount, needed, amount.Width - needed)} ? {needed}'d{shifted.Width} : {Bits(amount, 0, needed)})";
    }

    /// <summary>
    /// The number of ones, as a sum of full-adder (3:2 counter) outputs: each triple of bits
    /// becomes a 2-bit count {majority, parity}, whose two bits are each a function of three
    /// inputs, so a LUT absorbs whatever computed those bits (the XNOR of a popcount with weights,
    /// say). Yosys maps this to about two thirds of the LUTs of a plain sum of single bits.
    /// </summary>
    private static string Popcount(RtlSignal input, int width)
    {
        if (width == 1) return input.Name; // only a 1-bit input fits a 1-bit count
        var terms = new List<string>();
        for (int bit = 0; bit < input.Width; bit += 3)
        {
            var b = Enumerable.Range(bit, Math.Min(3, input.Width - bit)).Select(i => Bit(input, i)).ToList();
            string pad = width > 2 ? $"{width - 2}'d0, " : "";
            terms.Add(b.Count switch
            {
                1 => $"{{{width - 1}'d0, {b[0]}}}",
                2 => $"{{{pad}{b[0]} & {b[1]}, {b[0]} ^ {b[1]}}}",
                _ => $"{{{pad}({b[0]} & {b[1]}) | ({b[0]} & {b[2]}) | ({b[1]} & {b[2]}), {b[0]} ^ {b[1]} ^ {b[2]}}}",
            });
        }
        var text = new StringBuilder();
        for (int t = 0; t < terms.Count; t++)
        {
            if (t > 0) text.Append(t % TermsPerLine == 0 ? "\n      + " : " + ");
            text.Append(terms[t]);
        }
        return text.ToString();
    }
}
