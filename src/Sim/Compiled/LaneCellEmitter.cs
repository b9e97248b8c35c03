using System.Reflection.Emit;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Emits a combinational cell whose value differs between lanes as lane vectors (see
/// <see cref="LaneMath"/>): the same operations as <see cref="CellEmitter"/>, on every lane at
/// once, with shared inputs broadcast. Values stay canonical (zero above their width). Cells it
/// has no vector form for (wide arithmetic, wide comparisons, variable shifts of wide values)
/// return false, and the caller evaluates them lane by lane with the scalar emitter.
/// </summary>
internal sealed class LaneCellEmitter(KernelBuilder k, StorageLayout layout) : IWordEmitter
{
    private Place In(RtlCell cell, int i) => layout.Of(cell.Inputs[i]);
    private void V(RtlCell cell, int i) => k.VWord(In(cell, i), 0);

    /// <summary>Whether <see cref="Narrow"/> has a vector form for this cell (result of at most 64 bits).</summary>
    public bool CanNarrow(RtlCell cell)
    {
        bool wideIn = cell.Inputs.Count > 0 && In(cell, 0).Words > 1;
        return cell.Op switch
        {
            RtlOp.LtU or RtlOp.LeU or RtlOp.LtS or RtlOp.LeS => !wideIn,
            RtlOp.Const => false,
            _ => true,
        };
    }

    /// <summary>Whether <see cref="Wide"/> has a vector form for this cell.</summary>
    public static bool CanWide(RtlCell cell) => cell.Op is not (RtlOp.Add or RtlOp.Sub or RtlOp.Shl or RtlOp.Shr or RtlOp.Sar or RtlOp.Const);

    /// <summary>Pushes the lane vector of a cell with a result of at most 64 bits.</summary>
    public void Narrow(RtlCell cell)
    {
        int w = cell.Output.Width;
        int inWidth = cell.Inputs.Count > 0 ? cell.Inputs[0].Width : 0;
        bool wideIn = cell.Inputs.Count > 0 && In(cell, 0).Words > 1;
        if (layout.Lut(cell) is { } lut)
        {
            Table(lut);
            return;
        }
        switch (cell.Op)
        {
            case RtlOp.Buffer or RtlOp.ZeroExt: V(cell, 0); break;
            case RtlOp.Not: V(cell, 0); k.V("Not"); Mask(w); break;
            case RtlOp.And: Binary(cell, "And"); break;
            case RtlOp.Or: Binary(cell, "Or"); break;
            case RtlOp.Xor: Binary(cell, "Xor"); break;
            case RtlOp.Add: Binary(cell, "Add"); Mask(w); break;
            case RtlOp.Sub: Binary(cell, "Sub"); Mask(w); break;
            case RtlOp.Eq or RtlOp.Ne when wideIn:
                OrOfWords(In(cell, 0).Words, j => { k.VWord(In(cell, 0), j); k.VWord(In(cell, 1), j); k.V("Xor"); });
                k.V(cell.Op == RtlOp.Eq ? "IsZero" : "IsNonZero");
                break;
            case RtlOp.Eq: Binary(cell, "Equal"); break;
            case RtlOp.Ne: Binary(cell, "NotEqual"); break;
            case RtlOp.LtU: Binary(cell, "LessThan"); break;
            case RtlOp.LeU: Binary(cell, "LessOrEqual"); break;
            case RtlOp.LtS or RtlOp.LeS:
                // Flipping the sign bit turns two's-complement order into unsigned order.
                V(cell, 0);
                FlipSign(inWidth);
                V(cell, 1);
                FlipSign(inWidth);
                k.V(cell.Op == RtlOp.LtS ? "LessThan" : "LessOrEqual");
                break;
            case RtlOp.Mux: Select(SelectMask(cell), () => Fetch(In(cell, 1), w, 0, w), () => Fetch(In(cell, 2), w, 0, w)); break;
            case RtlOp.Concat: ConcatWord(cell, 0, w); break;
            case RtlOp.Slice: Fetch(In(cell, 0), inWidth, cell.Amount, w); break;
            case RtlOp.SignExt: V(cell, 0); SignExtend(inWidth); Mask(w); break;
            case RtlOp.ShlConst when cell.Amount >= w: k.VConst(0); break;
            case RtlOp.ShlConst: V(cell, 0); ShiftLeft(cell.Amount); Mask(w); break;
            case RtlOp.ShrConst when cell.Amount >= w: k.VConst(0); break;
            case RtlOp.ShrConst: V(cell, 0); ShiftRight(cell.Amount); break;
            case RtlOp.SarConst:
            {
                // sext(v) >> n = ((v ^ m) >> n) - (m >> n) with m the sign bit (n < w); shifting by w or more gives the sign, as by w - 1.
                int n = Math.Min(cell.Amount, w - 1);
                ulong m = 1UL << (w - 1);
                V(cell, 0);
                FlipSign(w);
                ShiftRight(n);
                k.VConst(m >> n);
                k.V("Sub");
                Mask(w);
                break;
            }
            case RtlOp.Shl or RtlOp.Shr:
                // Hardware variable shifts give 0 for amounts of 64 or more; amounts in [w, 64) leave only bits above w, masked off.
                V(cell, 0);
                ShiftAmount(cell);
                k.V(cell.Op == RtlOp.Shl ? "ShiftLeftVariable" : "ShiftRightVariable");
                Mask(w);
                break;
            case RtlOp.Sar:
            {
                // As SarConst, with the amount per lane clamped to w - 1.
                ShiftAmount(cell);
                k.VConst((ulong)(w - 1));
                k.V("Min");
                var amount = k.VTemp(() => { });
                V(cell, 0);
                FlipSign(w);
                k.Load(amount);
                k.V("ShiftRightVariable");
                k.VConst(1UL << (w - 1));
                k.Load(amount);
                k.V("ShiftRightVariable");
                k.V("Sub");
                Mask(w);
                break;
            }
            case RtlOp.Popcount:
                for (int j = 0; j < In(cell, 0).Words; j++)
                {
                    k.VWord(In(cell, 0), j);
                    PopCount(Math.Min(64, inWidth - (64 * j)));
                    if (j > 0) k.V("Add");
                }
                break;
            case RtlOp.ReduceOr:
                OrOfWords(In(cell, 0).Words, j => k.VWord(In(cell, 0), j));
                k.V("IsNonZero");
                break;
            case RtlOp.ReduceAnd:
                var a = In(cell, 0);
                for (int j = 0; j < a.Words; j++)
                {
                    k.VWord(a, j);
                    int bits = Math.Min(64, inWidth - (64 * j));
                    if (bits < 64)
                    {
                        k.VConst(~((1UL << bits) - 1));
                        k.V("Or");
                    }
                    if (j > 0) k.V("And");
                }
                k.VConst(ulong.MaxValue);
                k.V("Equal");
                break;
            default: throw new NotSupportedException($"cell kind {cell.Op} has no lane-vector form");
        }
    }

    /// <summary>Stores every word of a wider result, for all lanes.</summary>
    public void Wide(RtlCell cell, Place output)
    {
        int w = cell.Output.Width;
        int Bits(int j) => Math.Min(64, w - (64 * j));
        void PerWord(Action<int> push)
        {
            for (int j = 0; j < output.Words; j++) k.VStore(output, j, () => push(j));
        }
        switch (cell.Op)
        {
            case RtlOp.Buffer or RtlOp.ZeroExt: PerWord(j => Fetch(In(cell, 0), cell.Inputs[0].Width, 64 * j, Bits(j))); break;
            case RtlOp.Not: PerWord(j => { k.VWord(In(cell, 0), j); k.V("Not"); Mask(Bits(j)); }); break;
            case RtlOp.And or RtlOp.Or or RtlOp.Xor:
                string op = cell.Op == RtlOp.And ? "And" : cell.Op == RtlOp.Or ? "Or" : "Xor";
                PerWord(j => { k.VWord(In(cell, 0), j); k.VWord(In(cell, 1), j); k.V(op); });
                break;
            case RtlOp.Mux:
                var select = k.VTemp(SelectMask(cell));
                PerWord(j => Select(() => k.Load(select), () => Fetch(In(cell, 1), w, 64 * j, Bits(j)), () => Fetch(In(cell, 2), w, 64 * j, Bits(j))));
                break;
            case RtlOp.Concat: PerWord(j => ConcatWord(cell, 64 * j, Bits(j))); break;
            case RtlOp.Slice: PerWord(j => Fetch(In(cell, 0), cell.Inputs[0].Width, cell.Amount + (64 * j), Bits(j))); break;
            case RtlOp.ShlConst: PerWord(j => Fetch(In(cell, 0), w, (64 * j) - cell.Amount, Bits(j))); break;
            case RtlOp.ShrConst: PerWord(j => Fetch(In(cell, 0), w, (64 * j) + cell.Amount, Bits(j))); break;
            case RtlOp.SignExt or RtlOp.SarConst:
                int inWidth = cell.Inputs[0].Width;
                int shift = cell.Op == RtlOp.SarConst ? cell.Amount : 0;
                int fillFrom = Math.Max(0, inWidth - shift);
                var fill = k.VTemp(() => { Fetch(In(cell, 0), inWidth, inWidth - 1, 1); k.V("Spread"); });
                PerWord(j =>
                {
                    Fetch(In(cell, 0), inWidth, (64 * j) + shift, Bits(j));
                    int from = Math.Clamp(fillFrom - (64 * j), 0, 64);
                    if (from < Bits(j))
                    {
                        k.Load(fill);
                        k.VConst(MaskRange(from, Bits(j)));
                        k.V("And");
                        k.V("Or");
                    }
                });
                break;
            default: throw new NotSupportedException($"cell kind {cell.Op} with a {w}-bit result has no lane-vector form");
        }
    }

    /// <summary>
    /// A function of up to three 1-bit lane values as one VPTERNLOGQ: its immediate is the truth
    /// table over (a, b, c); missing inputs are zero. Above bit 0 every input is zero, so the
    /// result there is f(0, 0, 0): masked off when that is 1.
    /// </summary>
    private void Table(LutCell lut)
    {
        int n = lut.Inputs.Count;
        int immediate = 0;
        for (int t = 0; t < 8; t++)
        {
            int index = (t & 1) | (n > 1 ? t & 2 : 0) | (n > 2 ? t & 4 : 0);
            if (((lut.Truth >> index) & 1) != 0) immediate |= 1 << t;
        }
        for (int operand = 2; operand >= 0; operand--)
        {
            if (operand < n) Fetch(layout.Of(lut.Inputs[operand]), 1, 0, 1); // an input may itself be an inlined bit field
            else k.VConst(0);
        }
        LaneMath.TernaryLogic(k, (byte)immediate);
        if ((lut.Truth & 1) != 0) Mask(1);
    }

    /// <summary>Pushes the all-ones-or-zeros mask of a mux select: spread per lane, or spread once and broadcast when shared.</summary>
    private Action SelectMask(RtlCell cell) => SelectMask(In(cell, 0));

    private Action SelectMask(Place select) => () =>
    {
        if (select.IsVarying)
        {
            k.VWord(select, 0);
            k.V("Spread");
        }
        else
        {
            k.Spread(() => k.Word(select, 0));
            k.V("Broadcast");
        }
    };

    private void Select(Action mask, Action whenTrue, Action whenFalse)
    {
        mask();
        whenTrue();
        whenFalse();
        k.V("Select");
    }

    private void Binary(RtlCell cell, string op)
    {
        V(cell, 0);
        V(cell, 1);
        k.V(op);
    }

    /// <summary>v ^ sign bit of a <paramref name="width"/>-bit value.</summary>
    private void FlipSign(int width)
    {
        k.VConst(1UL << (width - 1));
        k.V("Xor");
    }

    /// <summary>A canonical <paramref name="width"/>-bit value sign-extended to 64 bits: (v ^ m) - m.</summary>
    private void SignExtend(int width)
    {
        if (width >= 64) return;
        FlipSign(width);
        k.VConst(1UL << (width - 1));
        k.V("Sub");
    }

    /// <summary>Ones in each lane of a canonical value of <paramref name="bits"/> bits, by halving sums (SWAR), as far as the width needs.</summary>
    private void PopCount(int bits)
    {
        if (bits <= 1) return;
        var x = k.VTemp(() => { });
        // x - ((x >> 1) & 0x55..): two-bit counts
        k.Load(x);
        k.Load(x);
        ShiftRight(1);
        k.VConst(0x5555555555555555UL);
        k.V("And");
        k.V("Sub");
        if (bits <= 2) return;
        x = k.VTemp(() => { });
        // (x & 0x33..) + ((x >> 2) & 0x33..): four-bit counts
        k.Load(x);
        k.VConst(0x3333333333333333UL);
        k.V("And");
        k.Load(x);
        ShiftRight(2);
        k.VConst(0x3333333333333333UL);
        k.V("And");
        k.V("Add");
        if (bits <= 4) return;
        x = k.VTemp(() => { });
        // (x + (x >> 4)) & 0x0F..: byte counts
        k.Load(x);
        k.Load(x);
        ShiftRight(4);
        k.V("Add");
        k.VConst(0x0F0F0F0F0F0F0F0FUL);
        k.V("And");
        for (int span = 8; span < bits; span *= 2)
        {
            x = k.VTemp(() => { });
            k.Load(x);
            k.Load(x);
            ShiftRight(span);
            k.V("Add");
        }
        if (bits > 8) Mask(7);
    }

    private void Mask(int bits)
    {
        if (bits >= 64) return;
        k.VConst((1UL << bits) - 1);
        k.V("And");
    }

    private void ShiftLeft(int amount)
    {
        if (amount != 0) LaneMath.ShiftLeft(k, amount);
    }

    private void ShiftRight(int amount)
    {
        if (amount != 0) LaneMath.ShiftRight(k, amount);
    }

    /// <summary>The shift amount per lane, all ones when any higher word is set (shifts everything out).</summary>
    private void ShiftAmount(RtlCell cell)
    {
        var amount = In(cell, 1);
        k.VWord(amount, 0);
        if (amount.Words == 1) return;
        OrOfWords(amount.Words - 1, j => k.VWord(amount, j + 1));
        k.V("IsNonZero");
        k.V("Spread");
        k.V("Or");
    }

    private void ConcatWord(RtlCell cell, int start, int count) => BitFields.ConcatWord(this, cell, i => In(cell, i), start, count);

    private void Fetch(Place place, int width, int start, int count) => BitFields.Fetch(this, place, width, start, count);

    void IWordEmitter.PushWord(Place place, int index) => k.VWord(place, index);
    void IWordEmitter.PushConstant(ulong value) => k.VConst(value);
    void IWordEmitter.ShiftLeft(int amount) => ShiftLeft(amount);
    void IWordEmitter.ShiftRight(int amount) => ShiftRight(amount);
    void IWordEmitter.Or() => k.V("Or");
    void IWordEmitter.Mask(int bits) => Mask(bits);
    RtlCell? IWordEmitter.InlinedProducer(Place place) => layout.InlinedProducer(place);
    Place IWordEmitter.PlaceOf(RtlSignal signal) => layout.Of(signal);
    void IWordEmitter.Select(RtlSignal select, Action whenTrue, Action whenFalse) => Select(SelectMask(layout.Of(select)), whenTrue, whenFalse);

    private void OrOfWords(int count, Action<int> pushWord)
    {
        for (int j = 0; j < count; j++)
        {
            pushWord(j);
            if (j > 0) k.V("Or");
        }
    }

    private static ulong MaskRange(int from, int to) =>
        (to >= 64 ? ulong.MaxValue : (1UL << to) - 1) & ~((1UL << from) - 1);
}
