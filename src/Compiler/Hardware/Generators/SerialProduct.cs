using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// a * b over several cycles, for units that get a new product only every few cycles: b's bits
/// are taken <see cref="BitsPerCycle"/> at a time from the most significant end (Horner's scheme,
/// acc = acc * 2^r + a * digits), so every shift is fixed wiring and one adder of the result's
/// width does the work. A product started in cycle t is ready in cycle t + Cycles; a new one may
/// start every Cycles cycles.
/// </summary>
public sealed class SerialProduct
{
    private SerialProduct(int bitsPerCycle, int cycles, RtlSignal result, int latency)
    {
        BitsPerCycle = bitsPerCycle;
        Cycles = cycles;
        Result = result;
        Latency = latency;
    }

    public int BitsPerCycle { get; }

    /// <summary>Cycles between starts: a new product may start every Cycles cycles.</summary>
    public int Cycles { get; }

    /// <summary>A product started in cycle t is in <see cref="Result"/> from cycle t + Latency (Cycles, or Cycles + 1 in the carry-save form).</summary>
    public int Latency { get; }

    /// <summary>The product (registered), valid from cycle t + Latency until the next product replaces it.</summary>
    public RtlSignal Result { get; }

    /// <summary>Digits per cycle needed to finish a <paramref name="width"/>-bit multiplier within <paramref name="budget"/> cycles.</summary>
    public static int BitsPerCycleFor(int width, int budget) => (width + budget - 1) / budget;

    /// <summary>
    /// Builds the unit: on <paramref name="start"/> it takes <paramref name="a"/> (unsigned or signed)
    /// and the signed multiplier <paramref name="b"/>, and produces a <paramref name="width"/>-bit signed product.
    /// </summary>
    public static SerialProduct Build(ModuleBuilder m, RtlSignal start, RtlSignal a, bool aSigned, RtlSignal b, int width, int bitsPerCycle, string name) =>
        Create(m, start, a, aSigned, b, width, bitsPerCycle, name, carrySave: false);

    /// <summary>
    /// The same product with the running sum kept in carry-save form: a sum and a carry row, each
    /// step compressing them (shifted) and the step's partial products with rows of full adders
    /// (three rows to two, bitwise: no carry runs along the word), so a cycle's path is a few LUT
    /// levels whatever the width. One carry-propagate add of the two rows, in the cycle after the
    /// last step, gives the product: one cycle more latency, a row of flip-flops more. The plain
    /// form's Horner adder was the critical path of fmnist-tiny on the UP5K (32.66 ns: four partial
    /// products and a 37-bit add in one cycle).
    /// </summary>
    public static SerialProduct BuildCarrySave(ModuleBuilder m, RtlSignal start, RtlSignal a, bool aSigned, RtlSignal b, int width, int bitsPerCycle, string name) =>
        Create(m, start, a, aSigned, b, width, bitsPerCycle, name, carrySave: true);

    /// <summary>Both forms: the operands, the digit shifter and the step counter are the same; the running value differs.</summary>
    private static SerialProduct Create(ModuleBuilder m, RtlSignal start, RtlSignal a, bool aSigned, RtlSignal b, int width, int bitsPerCycle, string name, bool carrySave)
    {
        int cycles = (b.Width + bitsPerCycle - 1) / bitsPerCycle;
        int padded = cycles * bitsPerCycle;
        var multiplicand = m.Register(name + "_a", width, useReset: false);
        var digits = m.Register(name + "_b", padded, useReset: false);
        // the running value: an accumulator, or a sum row, a carry row and the product they add up to
        var acc = m.Register(name + (carrySave ? "_sum" : "_acc"), width, useReset: false);
        var carry = carrySave ? m.Register(name + "_carry", width, useReset: false) : null;
        var product = carrySave ? m.Register(name + "_p", width, useReset: false) : null;
        var step = m.Register(name + "_step", BitWidth.ToHold(cycles));
        var busy = m.Compare(RtlOp.Ne, step, m.Const(0, step.Width));
        var zero = carrySave ? m.Const(0, width) : null;

        var aWide = m.Fit(a, aSigned, width);
        var bPadded = m.Fit(b, true, padded);
        // cycle 0 (start): take the operands and the top group at once
        RtlSignal firstAcc, nextAcc;
        (RtlSignal Sum, RtlSignal Carry) firstRows = default, nextRows = default;
        if (carry is not null)
        {
            firstRows = Compress(m, Rows(m, bPadded, aWide, first: true, padded, bitsPerCycle, zero!), zero!);
            nextRows = Compress(m, [m.ShiftLeft(acc, bitsPerCycle), m.ShiftLeft(carry, bitsPerCycle), .. Rows(m, digits, multiplicand, first: false, padded, bitsPerCycle, zero!)], zero!);
            (firstAcc, nextAcc) = (firstRows.Sum, nextRows.Sum);
        }
        else
        {
            firstAcc = GroupValue(m, bPadded, aWide, first: true, padded, bitsPerCycle, width, name);
            nextAcc = m.Add(m.ShiftLeft(acc, bitsPerCycle), GroupValue(m, digits, multiplicand, first: false, padded, bitsPerCycle, width, name));
        }
        m.Next(multiplicand, aWide, start);
        m.Next(digits, m.Mux(start, m.ShiftLeft(bPadded, bitsPerCycle), m.ShiftLeft(digits, bitsPerCycle)), m.Or(start, busy));
        m.Next(acc, m.Mux(start, firstAcc, nextAcc), m.Or(start, busy));
        if (carry is not null) m.Next(carry, m.Mux(start, firstRows.Carry!, nextRows.Carry!), m.Or(start, busy));
        var last = m.Compare(RtlOp.Eq, step, m.Const(cycles - 1, step.Width));
        var advanced = m.Mux(last, m.Const(0, step.Width), m.Add(step, m.Const(1, step.Width)));
        m.Next(step, m.Mux(start, m.Const(cycles == 1 ? 0 : 1, step.Width), advanced), m.Or(start, busy));
        if (product is null) return new SerialProduct(bitsPerCycle, cycles, acc, cycles);

        // the rows hold the product after the last step's edge: added in the cycle after it
        var finished = m.DelayReset(cycles == 1 ? start : m.And(busy, last), 1, name + "_done");
        m.Next(product, m.Add(acc, carry!), finished);
        return new SerialProduct(bitsPerCycle, cycles, product, cycles + 1);
    }

    /// <summary>The top digit group's value (its most significant bit has negative weight only in the first group).</summary>
    private static RtlSignal GroupValue(ModuleBuilder m, RtlSignal bits, RtlSignal multiplicandValue, bool first, int padded, int bitsPerCycle, int width, string name)
    {
        var zero = m.Const(0, width);
        var terms = new List<RtlSignal>();
        for (int i = 0; i < bitsPerCycle; i++)
        {
            var bit = m.Bit(bits, padded - bitsPerCycle + i);
            var partial = m.Mux(bit, m.ShiftLeft(multiplicandValue, i), zero);
            terms.Add(first && i == bitsPerCycle - 1 ? m.Sub(zero, partial) : partial);
        }
        return m.SumTree(terms, name, pipelined: false).Sum;
    }

    /// <summary>
    /// The top digit group's partial products as rows; the first group's top digit has negative
    /// weight: -x = ~x + 1, the 1 a row of its own.
    /// </summary>
    private static List<RtlSignal> Rows(ModuleBuilder m, RtlSignal bits, RtlSignal multiplicandValue, bool first, int padded, int bitsPerCycle, RtlSignal zero)
    {
        var rows = new List<RtlSignal>();
        for (int i = 0; i < bitsPerCycle; i++)
        {
            var partial = m.Mux(m.Bit(bits, padded - bitsPerCycle + i), m.ShiftLeft(multiplicandValue, i), zero);
            if (first && i == bitsPerCycle - 1)
            {
                rows.Add(m.Not(partial));
                rows.Add(m.Const(1, zero.Width));
            }
            else rows.Add(partial);
        }
        return rows;
    }

    /// <summary>Full adders, three rows to two, until two are left (modulo 2^width, as the product is).</summary>
    private static (RtlSignal Sum, RtlSignal Carry) Compress(ModuleBuilder m, List<RtlSignal> rows, RtlSignal zero)
    {
        while (rows.Count > 2)
        {
            var next = new List<RtlSignal>();
            int i = 0;
            for (; i + 3 <= rows.Count; i += 3)
            {
                var (x, y, z) = (rows[i], rows[i + 1], rows[i + 2]);
                next.Add(m.Xor(m.Xor(x, y), z));
                next.Add(m.ShiftLeft(m.Or(m.And(x, y), m.And(z, m.Or(x, y))), 1));
            }
            next.AddRange(rows.Skip(i));
            rows = next;
        }
        return rows.Count == 2 ? (rows[0], rows[1]) : (rows[0], zero);
    }
}
