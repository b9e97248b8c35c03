using System.Numerics;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Compression;

/// <summary>How a runtime bit and a weight bit combine before they are counted.</summary>
public enum PairOp
{
    /// <summary>1 when the bits agree: a +-1 by +-1 product (XNOR-popcount).</summary>
    Xnor,

    /// <summary>1 when both are 1: a 0/1 activation gated by a weight bit (AND-popcount, bit planes).</summary>
    And,

    /// <summary>1 when they differ: a bit of a value whose sign the weight flips (add/subtract trees).</summary>
    Xor,
}

/// <summary>
/// One bit of a column: a plain bit (possibly inverted), a pair (a runtime bit combined with a
/// weight bit by <see cref="PairOp"/>), or a constant one. Pairs reach the compressor whole, so
/// the XNOR/AND/XOR lands in its first level of lookup tables instead of a gate of its own.
/// </summary>
public sealed record SumTerm(RtlSignal? A, RtlSignal? W, PairOp Op, bool Inverted)
{
    /// <summary>Table inputs the term occupies: 0 for a constant one, 1 for a bit, 2 for a pair.</summary>
    public int Inputs => A is null ? 0 : W is null ? 1 : 2;

    public bool IsPair => W is not null;

    public bool IsOne => A is null;

    /// <summary>The term's value given the values of its inputs (a, w), in table order.</summary>
    public int Value(int a, int w) => A is null ? 1 : W is null ? a ^ (Inverted ? 1 : 0) : Op switch
    {
        PairOp.Xnor => a == w ? 1 : 0,
        PairOp.And => a & w,
        _ => a ^ w,
    };

    public static SumTerm One { get; } = new(null, null, PairOp.Xnor, false);
}

/// <summary>
/// A multi-operand sum described bit by bit: column j holds terms of weight 2^j. A popcount is
/// one column; an add/subtract tree of byte lanes is eight; bit-plane products spread over the
/// columns by their shifts. <see cref="CompressorTree"/> reduces it to one number, modulo
/// 2^<see cref="Width"/> (the caller sizes the width to hold the sum, or reads it as two's complement).
/// </summary>
public sealed class ColumnSum(int width)
{
    private readonly List<SumTerm>[] _columns = [.. Enumerable.Range(0, width).Select(_ => new List<SumTerm>())];

    public int Width { get; } = width > 0 ? width : throw new ArgumentOutOfRangeException(nameof(width));

    public IReadOnlyList<IReadOnlyList<SumTerm>> Columns => _columns;

    /// <summary>A plain bit of weight 2^column (value ^ inverted); terms at or above the width are dropped (modular sum).</summary>
    public void AddBit(int column, RtlSignal bit, bool inverted = false)
    {
        if (bit.Width != 1) throw new InvalidOperationException($"{bit} is not one bit");
        if (column < Width) _columns[column].Add(new SumTerm(bit, null, PairOp.Xnor, inverted));
    }

    /// <summary>a op w at weight 2^column.</summary>
    public void AddPair(int column, RtlSignal a, RtlSignal w, PairOp op)
    {
        if (a.Width != 1 || w.Width != 1) throw new InvalidOperationException($"pair {a}, {w} must be single bits");
        if (column < Width) _columns[column].Add(new SumTerm(a, w, op, false));
    }

    /// <summary>a op c for a constant weight bit c: a plain bit, its inversion, or a constant.</summary>
    public void AddPair(int column, RtlSignal a, bool c, PairOp op)
    {
        switch (op)
        {
            case PairOp.Xnor: AddBit(column, a, inverted: !c); break;
            case PairOp.Xor: AddBit(column, a, inverted: c); break;
            case PairOp.And when c: AddBit(column, a); break;
        }
    }

    /// <summary>An unsigned value's bits, from column <paramref name="shift"/> up.</summary>
    public void AddUnsigned(RtlSignal value, ModuleBuilder m, int shift = 0)
    {
        for (int b = 0; b < value.Width; b++) AddBit(shift + b, m.Bit(value, b));
    }

    /// <summary>
    /// A two's complement value: its low bits as they are, its sign bit inverted plus the constant
    /// -2^(w-1) (since -s 2^(w-1) = (1 - s) 2^(w-1) - 2^(w-1)), so no sign extension is needed.
    /// </summary>
    public void AddSigned(RtlSignal value, ModuleBuilder m, int shift = 0)
    {
        int top = value.Width - 1;
        for (int b = 0; b < top; b++) AddBit(shift + b, m.Bit(value, b));
        AddBit(shift + top, m.Bit(value, top), inverted: true);
        AddConstant(-(BigInteger.One << (shift + top)));
    }

    /// <summary>-value for an unsigned value: its bits inverted plus 1 - 2^w (since -s = sum of (1 - s_b) 2^b - (2^w - 1)).</summary>
    public void AddNegated(RtlSignal value, ModuleBuilder m, int shift = 0)
    {
        for (int b = 0; b < value.Width; b++) AddBit(shift + b, m.Bit(value, b), inverted: true);
        AddConstant((BigInteger.One - (BigInteger.One << value.Width)) << shift);
    }

    /// <summary>Adds a constant (negative values in two's complement at the width) as ones in its columns.</summary>
    public void AddConstant(BigInteger value)
    {
        var modulus = BigInteger.One << Width;
        value = ((value % modulus) + modulus) % modulus;
        for (int j = 0; j < Width; j++)
            if (!((value >> j) & 1).IsZero) _columns[j].Add(SumTerm.One);
    }
}
