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
    private SerialProduct(int bitsPerCycle, int cycles, RtlSignal result)
    {
        BitsPerCycle = bitsPerCycle;
        Cycles = cycles;
        Result = result;
    }

    public int BitsPerCycle { get; }
    public int Cycles { get; }

    /// <summary>The product (registered), valid from the cycle the computation ends until the next start.</summary>
    public RtlSignal Result { get; }

    /// <summary>Digits per cycle needed to finish a <paramref name="width"/>-bit multiplier within <paramref name="budget"/> cycles.</summary>
    public static int BitsPerCycleFor(int width, int budget) => (width + budget - 1) / budget;

    /// <summary>
    /// Builds the unit: on <paramref name="start"/> it takes <paramref name="a"/> (unsigned or signed)
    /// and the signed multiplier <paramref name="b"/>, and produces a <paramref name="width"/>-bit signed product.
    /// </summary>
    public static SerialProduct Build(ModuleBuilder m, RtlSignal start, RtlSignal a, bool aSigned, RtlSignal b, int width, int bitsPerCycle, string name)
    {
        int cycles = (b.Width + bitsPerCycle - 1) / bitsPerCycle;
        int padded = cycles * bitsPerCycle;
        var multiplicand = m.Register(name + "_a", width, useReset: false);
        var digits = m.Register(name + "_b", padded, useReset: false);
        var acc = m.Register(name + "_acc", width, useReset: false);
        var step = m.Register(name + "_step", BitWidth.ToHold(cycles));
        var busy = m.Compare(RtlOp.Ne, step, m.Const(0, step.Width));

        // the top digit group of b (its most significant bit has negative weight only in the first group)
        RtlSignal GroupValue(RtlSignal bits, RtlSignal multiplicandValue, bool first)
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

        var aWide = m.Fit(a, aSigned, width);
        var bPadded = m.Fit(b, true, padded);
        // cycle 0 (start): take the operands and the top group at once
        var firstValue = GroupValue(bPadded, aWide, first: true);
        var nextValue = m.Add(m.ShiftLeft(acc, bitsPerCycle), GroupValue(digits, multiplicand, first: false));
        m.Next(multiplicand, aWide, start);
        m.Next(digits, m.Mux(start, m.ShiftLeft(bPadded, bitsPerCycle), m.ShiftLeft(digits, bitsPerCycle)), m.Or(start, busy));
        m.Next(acc, m.Mux(start, firstValue, nextValue), m.Or(start, busy));
        var last = m.Compare(RtlOp.Eq, step, m.Const(cycles - 1, step.Width));
        var advanced = m.Mux(last, m.Const(0, step.Width), m.Add(step, m.Const(1, step.Width)));
        m.Next(step, m.Mux(start, m.Const(cycles == 1 ? 0 : 1, step.Width), advanced), m.Or(start, busy));
        return new SerialProduct(bitsPerCycle, cycles, acc);
    }
}
