using System.Numerics;
using System.Reflection;
using System.Reflection.Emit;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Emits the IL computing one combinational cell into a kernel. Narrow results (at most 64 bits)
/// are computed on the stack; wide ones word by word, unrolled, with calls to
/// <see cref="WideOps"/> only for carries, comparisons and variable shifts. Every store is
/// canonical: bits above the signal's width are zero, which lets reads skip masking. Only a
/// value kept in a local for readers that ignore high bits may skip its mask ("dirty").
/// </summary>
internal sealed class CellEmitter(KernelBuilder k, StorageLayout layout, ActivityPlan? plan = null) : IWordEmitter
{
    /// <summary>Operations whose low w result bits depend only on the low w bits of these operands, so the operands may carry garbage above their width.</summary>
    public static bool ReadsLowBitsOnly(RtlCell reader, int operand) => reader.Op switch
    {
        RtlOp.Not or RtlOp.And or RtlOp.Or or RtlOp.Xor or RtlOp.Add or RtlOp.Sub or RtlOp.ShlConst => true,
        RtlOp.Mux => operand != 0, // the select is tested as a whole word
        _ => false,
    };

    private Func<Place, bool> _isDirty = _ => false;

    private static readonly MethodInfo PopCount = typeof(BitOperations).GetMethod(nameof(BitOperations.PopCount), [typeof(ulong)])!;
    private static readonly MethodInfo MinU64 = typeof(Math).GetMethod(nameof(Math.Min), [typeof(ulong), typeof(ulong)])!;

    private Place In(RtlCell cell, int i) => layout.Of(cell.Inputs[i]);
    private void V(RtlCell cell, int i) => k.Word(In(cell, i), 0);

    /// <summary>
    /// Pushes the value of a cell with a result of at most 64 bits. With
    /// <paramref name="mayBeDirty"/> the value may have garbage above its width (its readers
    /// only look at low bits); <paramref name="isDirty"/> tells which inputs are such values.
    /// </summary>
    public void Narrow(RtlCell cell, bool mayBeDirty, Func<Place, bool> isDirty)
    {
        _isDirty = isDirty;
        bool anyDirty = cell.Inputs.Any(i => isDirty(layout.Of(i)));
        int maskTo = mayBeDirty ? 64 : cell.Output.Width;
        switch (cell.Op)
        {
            case RtlOp.Not: V(cell, 0); k.Emit(OpCodes.Not); k.Mask(maskTo); return;
            case RtlOp.Add: Binary(cell, OpCodes.Add); k.Mask(maskTo); return;
            case RtlOp.Sub: Binary(cell, OpCodes.Sub); k.Mask(maskTo); return;
            case RtlOp.ShlConst when cell.Amount < cell.Output.Width: V(cell, 0); k.ShiftLeft(cell.Amount); k.Mask(maskTo); return;
            case RtlOp.ShlConst: k.Const(0); return;
            case RtlOp.And or RtlOp.Or or RtlOp.Xor:
                Binary(cell, cell.Op == RtlOp.And ? OpCodes.And : cell.Op == RtlOp.Or ? OpCodes.Or : OpCodes.Xor);
                if (anyDirty) k.Mask(maskTo);
                return;
            case RtlOp.Mux:
                Select(() => SelectMask(cell.Inputs[0]), () => V(cell, 1), () => V(cell, 2), spreadSelect: null, selectIsMask: true);
                if (anyDirty) k.Mask(maskTo);
                return;
        }
        if (anyDirty) throw new InvalidOperationException($"{cell.Op} cannot read values with garbage above their width");
        Narrow(cell);
    }

    /// <summary>
    /// All ones when the 1-bit select is set: straight from the source bit (shl, sar) when the
    /// select is a one-bit slice of a value already at hand, which saves the slice.
    /// </summary>
    private void SelectMask(RtlSignal select)
    {
        var place = layout.Of(select);
        if (plan?.ProducerOf(place.Offset) is { Op: RtlOp.Slice } slice && layout.Of(slice.Inputs[0]) is var source
            && !source.IsConstant && (plan.IsStored(source.Offset) || k.IsCached(source)) && !_isDirty(source))
        {
            k.Word(source, slice.Amount / 64);
            k.ShiftLeft(63 - (slice.Amount % 64));
            k.ShiftRight(63, arithmetic: true);
            return;
        }
        k.Spread(() => k.Word(place, 0));
    }

    /// <summary>Pushes the value of a cell with a result of at most 64 bits, canonical (zero above its width); inputs must be canonical.</summary>
    public void Narrow(RtlCell cell)
    {
        int w = cell.Output.Width;
        int inWidth = cell.Inputs.Count > 0 ? cell.Inputs[0].Width : 0;
        bool wideIn = cell.Inputs.Count > 0 && In(cell, 0).Words > 1;
        switch (cell.Op)
        {
            case RtlOp.Buffer or RtlOp.ZeroExt: V(cell, 0); break;
            case RtlOp.Not: V(cell, 0); k.Emit(OpCodes.Not); k.Mask(w); break;
            case RtlOp.And: Binary(cell, OpCodes.And); break;
            case RtlOp.Or: Binary(cell, OpCodes.Or); break;
            case RtlOp.Xor: Binary(cell, OpCodes.Xor); break;
            case RtlOp.Add: Binary(cell, OpCodes.Add); k.Mask(w); break;
            case RtlOp.Sub: Binary(cell, OpCodes.Sub); k.Mask(w); break;
            case RtlOp.Eq or RtlOp.Ne when wideIn: WideEquality(cell, cell.Op == RtlOp.Eq); break;
            case RtlOp.Eq: Binary(cell, OpCodes.Ceq); k.BoolToValue(); break;
            case RtlOp.Ne: Binary(cell, OpCodes.Ceq); Not1(); break;
            case RtlOp.LtU or RtlOp.LeU or RtlOp.LtS or RtlOp.LeS when wideIn: WideCompare(cell); break;
            case RtlOp.LtU: Binary(cell, OpCodes.Clt_Un); k.BoolToValue(); break;
            case RtlOp.LeU: Binary(cell, OpCodes.Cgt_Un); Not1(); break;
            case RtlOp.LtS: Signed(cell, 0, inWidth); Signed(cell, 1, inWidth); k.Emit(OpCodes.Clt); k.BoolToValue(); break;
            case RtlOp.LeS: Signed(cell, 0, inWidth); Signed(cell, 1, inWidth); k.Emit(OpCodes.Cgt); Not1(); break;
            case RtlOp.Mux: Select(() => V(cell, 0), () => V(cell, 1), () => V(cell, 2)); break;
            case RtlOp.Concat: ConcatWord(cell, 0, w); break;
            case RtlOp.Slice: Fetch(In(cell, 0), inWidth, cell.Amount, w); break;
            case RtlOp.SignExt: Signed(cell, 0, inWidth); k.Mask(w); break;
            case RtlOp.ShlConst when cell.Amount >= w: k.Const(0); break;
            case RtlOp.ShlConst: V(cell, 0); k.ShiftLeft(cell.Amount); k.Mask(w); break;
            case RtlOp.ShrConst when cell.Amount >= w: k.Const(0); break;
            case RtlOp.ShrConst: V(cell, 0); k.ShiftRight(cell.Amount); break;
            case RtlOp.SarConst: Signed(cell, 0, w); k.ShiftRight(Math.Min(cell.Amount, 63), arithmetic: true); k.Mask(w); break;
            case RtlOp.Shl or RtlOp.Shr: VariableShift(cell, w); break;
            case RtlOp.Sar:
                Signed(cell, 0, w);
                ShiftAmount(cell);
                k.Const(63);
                k.IL.Emit(OpCodes.Call, MinU64);
                k.Emit(OpCodes.Conv_I4);
                k.Emit(OpCodes.Shr);
                k.Mask(w);
                break;
            case RtlOp.Popcount:
                for (int j = 0; j < In(cell, 0).Words; j++)
                {
                    k.Word(In(cell, 0), j);
                    k.IL.Emit(OpCodes.Call, PopCount);
                    k.Emit(OpCodes.Conv_I8);
                    if (j > 0) k.Emit(OpCodes.Add);
                }
                break;
            case RtlOp.ReduceOr:
                OrOfWords(In(cell, 0), j => k.Word(In(cell, 0), j));
                k.Const(0);
                k.Emit(OpCodes.Cgt_Un);
                k.BoolToValue();
                break;
            case RtlOp.ReduceAnd:
                var a = In(cell, 0);
                for (int j = 0; j < a.Words; j++)
                {
                    k.Word(a, j);
                    int bits = Math.Min(64, inWidth - (64 * j));
                    if (bits < 64)
                    {
                        k.Const(~((1UL << bits) - 1));
                        k.Emit(OpCodes.Or);
                    }
                    if (j > 0) k.Emit(OpCodes.And);
                }
                k.Const(ulong.MaxValue);
                k.Emit(OpCodes.Ceq);
                k.BoolToValue();
                break;
            default: throw new NotSupportedException($"cell kind {cell.Op} is not compiled");
        }
    }

    /// <summary>
    /// Writes the words of a wider result. Returns false when a helper wrote them directly, so
    /// <see cref="KernelBuilder.Tracker"/> did not see the change.
    /// </summary>
    public bool Wide(RtlCell cell, Place output)
    {
        int w = cell.Output.Width;
        int Bits(int j) => Math.Min(64, w - (64 * j));
        void PerWord(Action<int> push)
        {
            for (int j = 0; j < output.Words; j++) k.Store(output, j, () => push(j));
        }
        switch (cell.Op)
        {
            case RtlOp.Buffer or RtlOp.ZeroExt: PerWord(j => Fetch(In(cell, 0), cell.Inputs[0].Width, 64 * j, Bits(j))); break;
            case RtlOp.Not: PerWord(j => { k.Word(In(cell, 0), j); k.Emit(OpCodes.Not); k.Mask(Bits(j)); }); break;
            case RtlOp.And or RtlOp.Or or RtlOp.Xor:
                var op = cell.Op == RtlOp.And ? OpCodes.And : cell.Op == RtlOp.Or ? OpCodes.Or : OpCodes.Xor;
                PerWord(j => { k.Word(In(cell, 0), j); k.Word(In(cell, 1), j); k.Emit(op); });
                break;
            case RtlOp.Add or RtlOp.Sub:
                Call(cell.Op == RtlOp.Add ? nameof(WideOps.Add) : nameof(WideOps.Sub), output, In(cell, 0), In(cell, 1), () => { k.Int(output.Words); k.Const(TopMask(w)); });
                return false;
            case RtlOp.Mux:
                var select = k.Temp(() => k.Spread(() => V(cell, 0)));
                PerWord(j => Select(null, () => k.Word(In(cell, 1), j), () => k.Word(In(cell, 2), j), select));
                break;
            case RtlOp.Concat: PerWord(j => ConcatWord(cell, 64 * j, Bits(j))); break;
            case RtlOp.Slice: PerWord(j => Fetch(In(cell, 0), cell.Inputs[0].Width, cell.Amount + (64 * j), Bits(j))); break;
            case RtlOp.ShlConst: PerWord(j => Fetch(In(cell, 0), w, (64 * j) - cell.Amount, Bits(j))); break;
            case RtlOp.ShrConst: PerWord(j => Fetch(In(cell, 0), w, (64 * j) + cell.Amount, Bits(j))); break;
            case RtlOp.SignExt or RtlOp.SarConst:
                int inWidth = cell.Inputs[0].Width;
                int shift = cell.Op == RtlOp.SarConst ? cell.Amount : 0;
                int fillFrom = Math.Max(0, inWidth - shift); // result bits at and above this copy the sign
                var fill = k.Temp(() => k.Spread(() => Fetch(In(cell, 0), inWidth, inWidth - 1, 1)));
                PerWord(j =>
                {
                    Fetch(In(cell, 0), inWidth, (64 * j) + shift, Bits(j));
                    int from = Math.Clamp(fillFrom - (64 * j), 0, 64);
                    if (from < Bits(j))
                    {
                        k.Load(fill);
                        k.Const(MaskRange(from, Bits(j)));
                        k.Emit(OpCodes.And);
                        k.Emit(OpCodes.Or);
                    }
                });
                break;
            case RtlOp.Shl or RtlOp.Shr or RtlOp.Sar:
                var amount = k.Temp(() => ShiftAmount(cell));
                Call(cell.Op switch { RtlOp.Shl => nameof(WideOps.ShiftLeft), RtlOp.Shr => nameof(WideOps.ShiftRight), _ => nameof(WideOps.ShiftRightArithmetic) },
                    output, In(cell, 0), null, () => { k.Int(w); k.Load(amount); });
                return false;
            default: throw new NotSupportedException($"cell kind {cell.Op} with a {w}-bit result is not compiled");
        }
        return true;
    }

    private void Binary(RtlCell cell, OpCode op)
    {
        V(cell, 0);
        V(cell, 1);
        k.Emit(op);
    }

    /// <summary>After a ceq/cgt leaving 0/1: the negated 1-bit value.</summary>
    private void Not1()
    {
        k.Int(0);
        k.Emit(OpCodes.Ceq);
        k.BoolToValue();
    }

    /// <summary>Input <paramref name="i"/> (narrow) sign-extended from <paramref name="width"/> to 64 bits.</summary>
    private void Signed(RtlCell cell, int i, int width)
    {
        V(cell, i);
        if (width < 64)
        {
            k.ShiftLeft(64 - width);
            k.ShiftRight(64 - width, arithmetic: true);
        }
    }

    /// <summary>whenFalse ^ ((whenTrue ^ whenFalse) &amp; (0 - select)): a branch-free mux.</summary>
    private void Select(Action? selectBit, Action whenTrue, Action whenFalse, LocalBuilder? spreadSelect = null, bool selectIsMask = false)
    {
        whenFalse();
        whenTrue();
        whenFalse();
        k.Emit(OpCodes.Xor);
        if (spreadSelect is not null) k.Load(spreadSelect);
        else if (selectIsMask) selectBit!();
        else k.Spread(selectBit!);
        k.Emit(OpCodes.And);
        k.Emit(OpCodes.Xor);
    }

    private void ConcatWord(RtlCell cell, int start, int count) => BitFields.ConcatWord(this, cell, i => In(cell, i), start, count);

    private void Fetch(Place place, int width, int start, int count) => BitFields.Fetch(this, place, width, start, count);

    void IWordEmitter.PushWord(Place place, int index) => k.Word(place, index);
    void IWordEmitter.PushConstant(ulong value) => k.Const(value);
    void IWordEmitter.ShiftLeft(int amount) => k.ShiftLeft(amount);
    void IWordEmitter.ShiftRight(int amount) => k.ShiftRight(amount);
    void IWordEmitter.Or() => k.Emit(OpCodes.Or);
    void IWordEmitter.Mask(int bits) => k.Mask(bits);

    /// <summary>The shift amount saturated to 64 bits (a wider amount with any high bit set shifts everything out).</summary>
    private void ShiftAmount(RtlCell cell)
    {
        var amount = In(cell, 1);
        k.Word(amount, 0);
        if (amount.Words == 1) return;
        k.Spread(() =>
        {
            OrOfWords(amount, j => k.Word(amount, j + 1), amount.Words - 1);
            k.Const(0);
            k.Emit(OpCodes.Cgt_Un);
            k.BoolToValue();
        });
        k.Emit(OpCodes.Or);
    }

    private void VariableShift(RtlCell cell, int w)
    {
        var amount = k.Temp(() => ShiftAmount(cell));
        V(cell, 0);
        k.Load(amount);
        k.Emit(OpCodes.Conv_I4);
        k.Int(63);
        k.Emit(OpCodes.And);
        k.Emit(cell.Op == RtlOp.Shl ? OpCodes.Shl : OpCodes.Shr_Un);
        k.Mask(w);
        k.Spread(() =>
        {
            k.Load(amount);
            k.Const((ulong)w);
            k.Emit(OpCodes.Clt_Un);
            k.BoolToValue();
        });
        k.Emit(OpCodes.And);
    }

    private void WideEquality(RtlCell cell, bool equal)
    {
        OrOfWords(In(cell, 0), j =>
        {
            k.Word(In(cell, 0), j);
            k.Word(In(cell, 1), j);
            k.Emit(OpCodes.Xor);
        });
        k.Const(0);
        k.Emit(equal ? OpCodes.Ceq : OpCodes.Cgt_Un);
        k.BoolToValue();
    }

    private void WideCompare(RtlCell cell)
    {
        bool signed = cell.Op is RtlOp.LtS or RtlOp.LeS;
        Call(nameof(WideOps.Compare), null, In(cell, 0), In(cell, 1), () => { k.Int(In(cell, 0).Words); k.Int(signed ? cell.Inputs[0].Width : 0); });
        k.Int(cell.Op is RtlOp.LtU or RtlOp.LtS ? 0 : 1); // compare < 0 (less) or < 1 (less or equal)
        k.Emit(OpCodes.Clt);
        k.BoolToValue();
    }

    private void OrOfWords(Place place, Action<int> pushWord, int? words = null)
    {
        int count = words ?? place.Words;
        for (int j = 0; j < count; j++)
        {
            pushWord(j);
            if (j > 0) k.Emit(OpCodes.Or);
        }
    }

    /// <summary>
    /// Calls a <see cref="WideOps"/> helper with the addresses of its operands, then the extra
    /// arguments. In the per-lane fallback a varying operand's words are strided across lanes, so
    /// this lane's words are copied to contiguous scratch first (and the result copied back).
    /// </summary>
    private void Call(string helper, Place? destination, Place a, Place? b, Action extra)
    {
        Place Contiguous(Place p)
        {
            if (!p.IsVarying) return p;
            var copy = new Place(layout.AllocateScratch(p.Words), p.Words, null);
            for (int j = 0; j < p.Words; j++) k.Store(copy, j, () => k.Word(p, j));
            return copy;
        }
        var target = destination is { IsVarying: true } ? new Place(layout.AllocateScratch(destination.Words), destination.Words, null) : destination;
        var left = Contiguous(a);
        var right = b is null ? null : Contiguous(b);
        if (target is not null) k.Address(target.Offset);
        k.Address(left.Offset);
        if (right is not null) k.Address(right.Offset);
        extra();
        k.IL.Emit(OpCodes.Call, typeof(WideOps).GetMethod(helper, BindingFlags.Public | BindingFlags.Static)!);
        if (destination is { IsVarying: true })
            for (int j = 0; j < destination.Words; j++) k.Store(destination, j, () => k.Word(target!, j));
    }

    private static ulong TopMask(int width) => width % 64 == 0 ? ulong.MaxValue : (1UL << (width % 64)) - 1;

    private static ulong MaskRange(int from, int to) =>
        (to >= 64 ? ulong.MaxValue : (1UL << to) - 1) & ~((1UL << from) - 1);
}
