using System.Numerics;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Tests.Support;

/// <summary>Small designs that exercise every cell kind, registers and memories at one width.</summary>
public static class OpZoo
{
    public static readonly int[] Widths = [1, 7, 33, 65, 127];

    /// <summary>Every RtlOp on inputs of <paramref name="w"/> bits, with constant operands, registers and a RAM and ROM.</summary>
    public static RtlModule Build(int w, string name = "zoo")
    {
        var m = new ModuleBuilder(name);
        var a = m.Input("a", w);
        var b = m.Input("b", w);
        var s = m.Input("s", 1);
        var n = m.Input("n", 8);
        var wideAmount = m.Input("nw", 70);
        var k = m.Const(Pattern(w), w);
        var outputs = new List<RtlSignal>
        {
            m.Not(a), m.And(a, b), m.Or(a, k), m.Xor(a, b), m.Add(a, b), m.Sub(a, b), m.Add(a, k), m.Sub(k, b),
            m.Compare(RtlOp.Eq, a, b), m.Compare(RtlOp.Ne, a, b), m.Compare(RtlOp.LtU, a, b), m.Compare(RtlOp.LtS, a, b),
            m.Compare(RtlOp.LeU, a, b), m.Compare(RtlOp.LeS, a, b), m.Compare(RtlOp.LtS, a, k), m.Compare(RtlOp.Eq, a, a),
            m.Mux(s, a, b), m.Mux(s, k, a), m.Concat(a, b), m.Concat(b, s, a, k),
            m.Slice(m.Concat(a, b), w / 2, w + 1), m.Slice(a, w - 1, 1), m.ZeroExtend(a, w + 5), m.ZeroExtend(a, w + 70),
            m.SignExtend(a, w + 5), m.SignExtend(a, w + 70),
            m.ShiftLeft(a, 1), m.ShiftLeft(a, Math.Max(1, w / 2)), m.ShiftLeft(a, w + 3),
            m.ShiftRightLogical(a, 1), m.ShiftRightLogical(a, Math.Max(1, w - 1)), m.ShiftRightLogical(a, w + 3),
            m.ShiftRightArithmetic(a, 1), m.ShiftRightArithmetic(a, Math.Max(1, w / 3)), m.ShiftRightArithmetic(a, w + 64),
            m.Shift(RtlOp.Shl, a, n), m.Shift(RtlOp.Shr, a, n), m.Shift(RtlOp.Sar, a, n),
            m.Shift(RtlOp.Shl, b, wideAmount), m.Shift(RtlOp.Shr, b, wideAmount), m.Shift(RtlOp.Sar, b, wideAmount),
            m.Popcount(a), m.Popcount(m.Xor(a, b)), m.ReduceOr(a), m.ReduceAnd(a), m.ReduceAnd(m.Or(a, k)),
            m.Add(m.Const(w == 1 ? 1 : 3, w), m.Const(Pattern(w), w)), m.Mux(m.Const(1, 1), a, b),
        };

        // Registers: enable + reset, no reset (power-on value), a shift chain read during the edge.
        var acc = m.Register("acc", w, Pattern(w) >> 1);
        m.Next(acc, m.Add(acc, a), s);
        var held = m.Register("held", w, Pattern(w), useReset: false);
        m.Next(held, m.Xor(held, b));
        var first = m.Register("first", w);
        var second = m.Register("second", w);
        m.Next(first, a);
        m.Next(second, first);
        outputs.AddRange([acc, held, second]);

        // A RAM of a depth that is not a power of two (reads past it give 0) and a ROM.
        int addressWidth = 3;
        var address = m.Resize(a, addressWidth, signed: false);
        var ram = m.Ram("ram", w, 5, m.Resize(b, addressWidth, false), s, address, m.Xor(a, b), m.Not(s));
        var rom = m.Rom("rom", w, [.. Enumerable.Range(0, 6).Select(i => Pattern(w) >> i)], address, null);
        outputs.AddRange([ram, rom, m.Add(ram, rom)]);

        for (int i = 0; i < outputs.Count; i++)
        {
            var port = m.Output($"o{i}", outputs[i].Width);
            m.Assign(port, outputs[i]);
        }
        return m.Build();
    }

    public static RtlDesign Design(int w) => new([Build(w)], "zoo");

    /// <summary>A width-filling bit pattern (alternating nibbles) for constants and reset values.</summary>
    public static BigInteger Pattern(int w)
    {
        var value = BigInteger.Zero;
        for (int i = 0; i < w; i++) if ((i / 4) % 2 == 0 || i % 5 == 0) value |= BigInteger.One << i;
        return value;
    }
}
