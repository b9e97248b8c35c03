using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// Multiply-free arithmetic for the generators. A product of two runtime values is a shift-add
/// sequence over the bits of the narrower one (two's complement: the top partial product is
/// subtracted); sums are adder trees with a pipeline register after every few levels. Results
/// come with their latency in cycles so callers can delay what travels alongside.
/// </summary>
public static class Arithmetic
{
    /// <summary>Adder levels between pipeline registers in trees.</summary>
    public const int LevelsPerStage = 2;

    /// <summary>Sign- or zero-extends (or truncates) to <paramref name="width"/>.</summary>
    public static RtlSignal Fit(this ModuleBuilder m, RtlSignal value, bool signed, int width) => m.Resize(value, width, signed);

    /// <summary>Free-running delay line of <paramref name="cycles"/> registers without reset (datapath values).</summary>
    public static RtlSignal Delay(this ModuleBuilder m, RtlSignal value, int cycles, string name = "d")
    {
        for (int i = 0; i < cycles; i++)
        {
            var q = m.Register(name, value.Width, useReset: false);
            m.Next(q, value);
            value = q;
        }
        return value;
    }

    /// <summary>
    /// A value captured when <paramref name="capture"/> is high and held: instead of a delay line
    /// of N registers where captures are at least N cycles apart (serial units).
    /// </summary>
    public static RtlSignal Hold(this ModuleBuilder m, RtlSignal value, RtlSignal capture, string name = "held")
    {
        var q = m.Register(name, value.Width, useReset: false);
        m.Next(q, value, capture);
        return q;
    }

    /// <summary>Delay line with reset to 0 (valid and control bits).</summary>
    public static RtlSignal DelayReset(this ModuleBuilder m, RtlSignal value, int cycles, string name = "v")
    {
        for (int i = 0; i < cycles; i++)
        {
            var q = m.Register(name, value.Width);
            m.Next(q, value);
            value = q;
        }
        return value;
    }

    /// <summary>Sum of equal-width terms as a balanced tree, registered every <see cref="LevelsPerStage"/> levels (or never).</summary>
    public static (RtlSignal Sum, int Latency) SumTree(this ModuleBuilder m, IReadOnlyList<RtlSignal> terms, string name, bool pipelined = true) =>
        PairwiseTree(m, terms, name, pipelined ? LevelsPerStage : 0, growing: false);

    /// <summary>
    /// Sum of unsigned terms as a balanced tree whose adders are one bit wider per level (the
    /// exact sum, never wider than it needs), registered after every level: on iCE40 an adder
    /// bit's register shares the adder's logic cell, so the stages cost almost nothing and the
    /// path is one carry chain.
    /// </summary>
    public static (RtlSignal Sum, int Latency) GrowingSumTree(this ModuleBuilder m, IReadOnlyList<RtlSignal> terms, string name, bool pipelined = true) =>
        PairwiseTree(m, terms, name, pipelined ? 1 : 0, growing: true);

    /// <param name="levelsPerStage">Register after every this many levels; 0: never.</param>
    /// <param name="growing">Each level's adders are one bit wider than its widest term (unsigned).</param>
    private static (RtlSignal Sum, int Latency) PairwiseTree(ModuleBuilder m, IReadOnlyList<RtlSignal> terms, string name, int levelsPerStage, bool growing)
    {
        if (terms.Count == 0) throw new InvalidOperationException("empty sum");
        var level = terms.ToList();
        int depth = 0, latency = 0;
        while (level.Count > 1)
        {
            int width = growing ? level.Max(s => s.Width) + 1 : 0;
            RtlSignal Add(RtlSignal a, RtlSignal b) => growing ? m.Add(m.Fit(a, false, width), m.Fit(b, false, width)) : m.Add(a, b);
            var next = new List<RtlSignal>();
            for (int i = 0; i + 1 < level.Count; i += 2) next.Add(Add(level[i], level[i + 1]));
            if (level.Count % 2 == 1) next.Add(level[^1]);
            level = next;
            depth++;
            if (levelsPerStage > 0 && depth % levelsPerStage == 0 && level.Count > 1)
            {
                level = level.Select(s => m.Delay(s, 1, name)).ToList();
                latency++;
            }
        }
        return (level[0], latency);
    }

    /// <summary>
    /// a * b for runtime values, as the sum over b's bits of (a &lt;&lt; i) (the sign bit's term
    /// subtracted when b is signed), computed at <paramref name="width"/> bits.
    /// </summary>
    public static (RtlSignal Product, int Latency) ShiftAddProduct(this ModuleBuilder m, RtlSignal a, bool aSigned, RtlSignal b, bool bSigned, int width, string name, bool pipelined = true)
    {
        var wide = m.Fit(a, aSigned, width);
        var zero = m.Const(0, width);
        var terms = new List<RtlSignal>();
        for (int i = 0; i < b.Width; i++)
        {
            var shifted = m.ShiftLeft(wide, i);
            var partial = m.Mux(m.Bit(b, i), shifted, zero);
            terms.Add(bSigned && i == b.Width - 1 ? m.Sub(zero, partial) : partial);
        }
        return m.SumTree(terms, name, pipelined);
    }

    /// <summary>A comparison a &gt;= b of two values (signed or not), extended to a common width.</summary>
    public static RtlSignal AtLeast(this ModuleBuilder m, RtlSignal a, bool aSigned, RtlSignal b, bool bSigned)
    {
        bool signed = aSigned || bSigned;
        int width = Math.Max(a.Width + (signed && !aSigned ? 1 : 0), b.Width + (signed && !bSigned ? 1 : 0));
        var x = m.Fit(a, aSigned, width);
        var y = m.Fit(b, bSigned, width);
        return m.Compare(signed ? RtlOp.LeS : RtlOp.LeU, y, x);
    }

    /// <summary>|x| of a signed value, one bit wider so that the most negative value fits.</summary>
    public static RtlSignal Magnitude(this ModuleBuilder m, RtlSignal x)
    {
        var wide = m.SignExtend(x, x.Width + 1);
        var negative = m.Bit(x, x.Width - 1);
        return m.Mux(negative, m.Sub(m.Const(0, wide.Width), wide), wide);
    }

    /// <summary>A constant of <paramref name="width"/> bits holding <paramref name="value"/> in two's complement.</summary>
    public static RtlSignal SignedConst(this ModuleBuilder m, long value, int width) => m.Const(Word(value, width), width);

    /// <summary>A constant of a graph type's range as a two's complement word of <paramref name="width"/> bits.</summary>
    public static BigInteger Word(long value, int width) => value >= 0 ? value : (BigInteger.One << width) + value;

    /// <summary>Signedness and width of an integer graph type.</summary>
    public static (bool Signed, int Width) Shape(GraphType type) => (type.Kind == ValueKind.Int && type.Min < 0, type.Width);

    /// <summary>A counter 0..count-1 advancing when <paramref name="step"/> is high, back to 0 after its last value or when <paramref name="clear"/> is high too.</summary>
    public static (RtlSignal Value, RtlSignal AtLast) Counter(this ModuleBuilder m, string name, long count, RtlSignal step, RtlSignal clear)
    {
        int width = BitWidth.ToIndex(count);
        var value = m.Register(name, width);
        var atLast = m.Compare(RtlOp.Eq, value, m.Const(count - 1, width));
        var next = m.Mux(m.Or(atLast, clear), m.Const(0, width), m.Add(value, m.Const(1, width)));
        m.Next(value, next, step);
        return (value, atLast);
    }

    /// <summary>A counter 0..count-1 advancing when <paramref name="step"/> is high; returns the value and a flag for its last value.</summary>
    public static (RtlSignal Value, RtlSignal AtLast) Counter(this ModuleBuilder m, string name, long count, RtlSignal step)
    {
        int width = BitWidth.ToIndex(count);
        var value = m.Register(name, width);
        var atLast = m.Compare(RtlOp.Eq, value, m.Const(count - 1, width));
        var next = m.Mux(atLast, m.Const(0, width), m.Add(value, m.Const(1, width)));
        m.Next(value, next, step);
        return (value, atLast);
    }
}
