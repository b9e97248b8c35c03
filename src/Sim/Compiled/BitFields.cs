using System.Numerics;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Compiled;

/// <summary>The word operations bit-field extraction needs, on scalar words or on lane vectors.</summary>
internal interface IWordEmitter
{
    void PushWord(Place place, int index);
    void PushConstant(ulong value);
    void ShiftLeft(int amount);
    void ShiftRight(int amount);
    void Or();
    void Mask(int bits);

    /// <summary>The cell a value is fetched from when it is not stored (see <see cref="FieldInlining"/>); null for stored values.</summary>
    RtlCell? InlinedProducer(Place place) => null;

    Place PlaceOf(RtlSignal signal) => throw new NotSupportedException("this emitter resolves no inlined values");

    /// <summary>Pushes whenTrue's word where the 1-bit <paramref name="select"/> is set, whenFalse's elsewhere.</summary>
    void Select(RtlSignal select, Action whenTrue, Action whenFalse) => throw new NotSupportedException("this emitter resolves no inlined values");
}

/// <summary>Bit fields of stored values as 64-bit words, for the scalar and the lane emitters alike.</summary>
internal static class BitFields
{
    /// <summary>
    /// Pushes bits [start, start + count) of a value of <paramref name="width"/> bits as one word
    /// (count at most 64); bits outside the value read as zero, so a negative start shifts left.
    /// </summary>
    public static void Fetch(IWordEmitter e, Place place, int width, int start, int count)
    {
        int lo = Math.Max(start, 0), hi = Math.Min(start + count, width);
        if (lo >= hi)
        {
            e.PushConstant(0);
            return;
        }
        int n = hi - lo;
        if (place.IsConstant)
        {
            e.PushConstant((ulong)((place.Constant!.Value >> lo) & ((BigInteger.One << n) - 1)) << (lo - start));
            return;
        }
        if (e.InlinedProducer(place) is { } producer)
        {
            // The caller may see the value through a zero-extending rename: above its own width it reads zero.
            int top = Math.Min(hi, producer.Output.Width);
            if (lo >= top)
            {
                e.PushConstant(0);
                return;
            }
            FieldInlining.Fetch(e, producer, lo, top - lo);
            if (lo != start) e.ShiftLeft(lo - start);
            return;
        }
        int word = lo / 64, bit = lo % 64;
        e.PushWord(place, word);
        if (bit != 0) e.ShiftRight(bit);
        if (bit + n > 64)
        {
            e.PushWord(place, word + 1);
            e.ShiftLeft(64 - bit);
            e.Or();
        }
        if (hi < width) e.Mask(n); // above the width the stored value is already zero
        if (lo != start) e.ShiftLeft(lo - start);
    }

    /// <summary>Bits [start, start + count) of a concatenation (parts are listed most significant first).</summary>
    public static void ConcatWord(IWordEmitter e, RtlCell cell, Func<int, Place> input, int start, int count)
    {
        int offset = cell.Output.Width;
        bool any = false;
        for (int i = 0; i < cell.Inputs.Count; i++)
        {
            int width = cell.Inputs[i].Width;
            offset -= width;
            if (offset >= start + count || offset + width <= start) continue;
            Fetch(e, input(i), width, start - offset, count);
            if (any) e.Or();
            any = true;
        }
        if (!any) e.PushConstant(0);
    }
}
