using System.Numerics;
using System.Runtime.Intrinsics;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>
/// A chunk's scale for hb on float32 values, without leaving the thread's stack: the value
/// <see cref="ChunkScale.Scale"/> gives (the exact mean of |x| rounded once to double), found
/// the short way whenever the plain double sum of the chunk is provably exact. Float magnitudes
/// are m 2^(E-150) with a 24-bit m; when the largest and smallest nonzero exponents lie close
/// enough that every partial sum fits 53 bits (ceil(log2 n) + Emax - Emin &lt;= 29), the double sum
/// in any order is the exact sum, and one IEEE division rounds its mean correctly. Every other
/// chunk (and pow2 scales) takes <see cref="ChunkScale.Scale"/>'s exact path: same bytes either way.
/// </summary>
internal static class FloatChunkMean
{
    private const int ExponentMask = 0x7F80_0000;

    public static float Scale(ReadOnlySpan<float> x, ScaleMode mode, Span<double> scratch)
    {
        if (mode == ScaleMode.Exact && TryExactSum(x, out double sum)) return (float)(sum / x.Length);
        for (int i = 0; i < x.Length; i++) scratch[i] = x[i];
        return (float)ChunkScale.Scale(scratch[..x.Length], mode);
    }

    /// <summary>The exact sum of |x| when the exponent spread proves the double sum exact.</summary>
    public static bool TryExactSum(ReadOnlySpan<float> x, out double sum)
    {
        if (x.Length == 2 * Vector256<float>.Count && Vector256.IsHardwareAccelerated) return TryExactSumOfTwoVectors(x, out sum);
        return TryExactSumByLanes(x, out sum);
    }

    /// <summary><see cref="TryExactSum"/> for any length: vectors, then lane by lane.</summary>
    internal static bool TryExactSumByLanes(ReadOnlySpan<float> x, out double sum)
    {
        var total = Vector<double>.Zero;
        var top = Vector<int>.Zero;
        var bottom = new Vector<int>(int.MaxValue);
        var mask = new Vector<int>(ExponentMask);
        var unsigned = new Vector<int>(int.MaxValue);
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(x[i..]);
            var magnitude = Vector.AsVectorInt32(v) & unsigned;
            var exponent = magnitude & mask;
            top = Vector.Max(top, exponent);
            // zeros do not bound the spread; a denormal's exponent field 0 does (it forces the exact path)
            bottom = Vector.Min(bottom, Vector.ConditionalSelect(Vector.Equals(magnitude, Vector<int>.Zero), new Vector<int>(int.MaxValue), exponent));
            Vector.Widen(Vector.Abs(v), out var low, out var high);
            total += low + high;
        }
        int emax = 0, emin = int.MaxValue;
        for (int lane = 0; lane < Vector<int>.Count; lane++)
        {
            emax = Math.Max(emax, top[lane]);
            emin = Math.Min(emin, bottom[lane]);
        }
        sum = Vector.Sum(total);
        for (; i < x.Length; i++)
        {
            int magnitude = BitConverter.SingleToInt32Bits(x[i]) & int.MaxValue;
            int exponent = magnitude & ExponentMask;
            emax = Math.Max(emax, exponent);
            if (magnitude != 0) emin = Math.Min(emin, exponent);
            sum += Math.Abs(x[i]);
        }
        if (emin == int.MaxValue) return true; // all zero: the sum 0 is exact
        if ((emax & ExponentMask) == ExponentMask) return false; // inf or NaN: let the exact path decide
        int spread = (emax >> 23) - (emin >> 23);
        return emin != 0 && spread + CeilLog2(x.Length) <= 29;
    }

    private static int CeilLog2(int n) => n <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(n - 1));

    /// <summary>
    /// <see cref="TryExactSum"/> for a chunk of two 256-bit vectors (16 floats, the usual
    /// --bin-agg), reduced across lanes by shuffles instead of lane by lane: hb of the 1.6 M weights
    /// of fmnist-hbnn-cnn's dense layer and of every pixel of its BinConv2D's input runs it ~10^5
    /// times a step. The same answer: exponent bounds and an exact sum do not depend on the order.
    /// </summary>
    private static bool TryExactSumOfTwoVectors(ReadOnlySpan<float> x, out double sum)
    {
        var unsigned = Vector256.Create(int.MaxValue);
        var m0 = Vector256.Create(x).AsInt32() & unsigned;
        var m1 = Vector256.Create(x[Vector256<float>.Count..]).AsInt32() & unsigned;
        // non-negative floats order as their bits: the largest magnitude has the largest exponent
        int emax = HorizontalMax(Vector256.Max(m0, m1)) & ExponentMask;
        var none = Vector256.Create(int.MaxValue);
        var n0 = Vector256.ConditionalSelect(Vector256.Equals(m0, Vector256<int>.Zero), none, m0);
        var n1 = Vector256.ConditionalSelect(Vector256.Equals(m1, Vector256<int>.Zero), none, m1);
        int smallest = HorizontalMin(Vector256.Min(n0, n1));
        var (l0, h0) = Vector256.Widen(m0.AsSingle());
        var (l1, h1) = Vector256.Widen(m1.AsSingle());
        sum = Vector256.Sum((l0 + h0) + (l1 + h1));
        if (smallest == int.MaxValue) return true; // all zero: the sum 0 is exact
        if (emax == ExponentMask) return false; // inf or NaN: let the exact path decide
        int emin = smallest & ExponentMask;
        int spread = (emax >> 23) - (emin >> 23);
        return emin != 0 && spread + CeilLog2(x.Length) <= 29;
    }

    private static int HorizontalMax(Vector256<int> v)
    {
        v = Vector256.Max(v, Vector256.Shuffle(v, Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3)));
        v = Vector256.Max(v, Vector256.Shuffle(v, Vector256.Create(2, 3, 0, 1, 6, 7, 4, 5)));
        v = Vector256.Max(v, Vector256.Shuffle(v, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6)));
        return v.ToScalar();
    }

    private static int HorizontalMin(Vector256<int> v)
    {
        v = Vector256.Min(v, Vector256.Shuffle(v, Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3)));
        v = Vector256.Min(v, Vector256.Shuffle(v, Vector256.Create(2, 3, 0, 1, 6, 7, 4, 5)));
        v = Vector256.Min(v, Vector256.Shuffle(v, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6)));
        return v.ToScalar();
    }
}
