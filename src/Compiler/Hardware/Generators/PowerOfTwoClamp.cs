using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// A clamp to a power-of-two range, [-2^(k-1), 2^(k-1) - 1] or [0, 2^k - 1], decided by the
/// value's high bits instead of two comparators: x is in range when its bits from k - 1 up are
/// all equal (signed) or its bits from k up are all zero (unsigned), and out of range its sign says
/// which bound. The comparators are carry chains as long as the value (29 bits after a chunk
/// term's shift in fmnist-tiny's l4, the UP5K design's critical path); the reductions are a few
/// LUT levels.
/// </summary>
public static class PowerOfTwoClamp
{
    /// <summary>The clamp of <paramref name="x"/> (its width kept), or null when the bounds are not such a range.</summary>
    public static RtlSignal? TryBuild(ModuleBuilder m, RtlSignal x, bool signed, long lo, long hi)
    {
        int w = x.Width;
        if (signed && lo < 0 && hi == -lo - 1 && long.IsPow2(-lo))
        {
            int k = (int)long.Log2(-lo) + 1;
            if (k >= w) return null;
            var sign = m.Bit(x, w - 1);
            var high = m.Slice(x, k - 1, w - k + 1);
            var inRange = m.Or(m.ReduceAnd(high), m.Not(m.ReduceOr(high)));
            var bound = m.Mux(sign, m.SignedConst(lo, w), m.SignedConst(hi, w));
            return m.Mux(inRange, x, bound);
        }
        if (lo == 0 && hi > 0 && long.IsPow2(hi + 1))
        {
            int k = (int)long.Log2(hi + 1);
            int magnitudeBits = signed ? w - 1 : w;
            if (k >= magnitudeBits) return null;
            var sign = signed ? m.Bit(x, w - 1) : null;
            var over = m.ReduceOr(m.Slice(x, k, magnitudeBits - k));
            var clipped = m.Mux(over, m.SignedConst(hi, w), x);
            return signed ? m.Mux(sign!, m.Const(0, w), clipped) : clipped;
        }
        return null;
    }
}
