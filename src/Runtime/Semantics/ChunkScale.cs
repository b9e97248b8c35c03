using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// The chunk sums and scales of hb, computed so that what is exact in the math is exact in the
/// result. A chunk's sum of |v| is carried as a double-double (every term added without error,
/// only the sum of the rounding errors rounded) with a proven error bound; a scale is then the
/// exact mean rounded once to the nearest double, or the power of two nearest the exact mean.
/// When the bound cannot decide the rounding, the exact value (<see cref="Dyadic"/>) decides.
/// </summary>
public static class ChunkScale
{
    /// <summary>The unit roundoff of double, 2^-53.</summary>
    public const double Unit = 1.0 / 9007199254740992.0;

    /// <summary>Below this magnitude the error-free transformations may underflow, so the exact path is taken.</summary>
    public const double TinyMagnitude = 1e-290;

    /// <summary>Sum of |v| as <c>hi + lo</c>, within <see cref="SumError"/>(n) * hi of the exact sum.</summary>
    public static double AbsSum(ReadOnlySpan<double> v, out double lo)
    {
        double hi = 0, errors = 0;
        foreach (double x in v)
        {
            hi = ErrorFree.TwoSum(hi, Math.Abs(x), out double e);
            errors += e;
        }
        return ErrorFree.TwoSum(hi, errors, out lo);
    }

    /// <summary>
    /// Relative error bound of <see cref="AbsSum"/> over n terms: the errors are each at most
    /// u times a partial sum, so their sum is below n u S and rounding it n times adds below n^2 u^2 S.
    /// </summary>
    public static double SumError(int n) => (((double)n * n) + 2) * Unit * Unit * 1.01;

    /// <summary>The exact sum of |v|.</summary>
    public static Dyadic ExactAbsSum(ReadOnlySpan<double> v)
    {
        var sum = Dyadic.Zero;
        foreach (double x in v) sum += Dyadic.FromDouble(Math.Abs(x));
        return sum;
    }

    /// <summary>
    /// The scale of one chunk: mean(|v|) rounded once to the nearest double (Exact), or the power
    /// of two nearest the exact mean in the log domain (Pow2: 2^e when mean / 2^e &lt; sqrt(2)
    /// with e = floor(log2 mean), else 2^(e+1)). Zero when every element is zero.
    /// </summary>
    public static double Scale(ReadOnlySpan<double> chunk, ScaleMode mode)
    {
        double hi = AbsSum(chunk, out double lo);
        if (hi == 0) return 0;
        int n = chunk.Length;
        if (hi < TinyMagnitude) return mode == ScaleMode.Exact ? ExactAbsSum(chunk).RoundToDouble(n) : Pow2Nearest(ExactAbsSum(chunk), n);
        // mean = (hi + lo) / n as q + ql: the remainder hi - q n of a rounded quotient is exact.
        double q = hi / n;
        double remainder = Math.FusedMultiplyAdd(-q, n, hi);
        double ql = (remainder + lo) / n;
        double error = (((SumError(n) * hi) + (2 * Unit * (Math.Abs(remainder) + Math.Abs(lo)))) / n * 1.01) + double.Epsilon;
        q = ErrorFree.TwoSum(q, ql, out ql);
        if (mode == ScaleMode.Exact)
            return RoundsTo(q, ql, error) ? q : ExactAbsSum(chunk).RoundToDouble(n);
        return Pow2Nearest(q, ql, error) ?? Pow2Nearest(ExactAbsSum(chunk), n);
    }

    /// <summary>
    /// Whether every value within <paramref name="error"/> of hi + lo (a normalized
    /// double-double) rounds to hi: then hi is the correctly rounded value.
    /// </summary>
    public static bool RoundsTo(double hi, double lo, double error)
    {
        if (hi == 0) return lo == 0 && error == 0;
        if (!double.IsFinite(hi)) return false;
        double magnitude = Math.Abs(hi);
        double toward = hi > 0 ? lo : -lo; // the residual in the direction of |hi|
        double halfUp = (Math.BitIncrement(magnitude) - magnitude) / 2;
        double halfDown = (magnitude - Math.BitDecrement(magnitude)) / 2;
        // fl(a + b) is monotone, so a computed bound below a power-of-two half gap proves the exact one is.
        return toward + error < halfUp && toward - error > -halfDown;
    }

    /// <summary>The nearest power of two (log domain) to m = hi + lo, known within <paramref name="error"/>; null when the bound cannot decide.</summary>
    private static double? Pow2Nearest(double hi, double lo, double error)
    {
        // r = m / 2^e0 lies in [1, 2) (or just below 1 when hi rounded up to a power of two, which
        // picks 2^e0 either way); the answer is 2^e0 when r^2 < 2, else 2^(e0 + 1).
        int e0 = Math.ILogB(hi);
        double rh = Math.ScaleB(hi, -e0), rl = Math.ScaleB(lo, -e0), re = Math.ScaleB(error, -e0);
        double p = ErrorFree.TwoProduct(rh, rh, out double pe);
        double d = (p - 2) + pe + (2 * rh * rl); // p - 2 is exact (Sterbenz)
        double margin = (4.01 * re) + (re * re) + (rl * rl) + (4 * Unit * (Math.Abs(d) + Math.Abs(pe) + (4 * Math.Abs(rl)))) + double.Epsilon;
        if (Math.Abs(d) <= margin) return null;
        return Math.ScaleB(1.0, d < 0 ? e0 : e0 + 1);
    }

    /// <summary>The nearest power of two (log domain) to the exact mean sum / n.</summary>
    public static double Pow2Nearest(Dyadic sum, int n)
    {
        if (sum.IsZero) return 0;
        var count = new Dyadic(n, 0);
        // e0 = floor(log2(sum / n)): start from the bit lengths, then correct by comparison.
        int e0 = (int)((long)sum.Mantissa.GetBitLength() + sum.Exponent - (long)count.Mantissa.GetBitLength());
        while (sum.CompareTo(count * Dyadic.PowerOfTwo(e0)) < 0) e0--;
        while (sum.CompareTo(count * Dyadic.PowerOfTwo(e0 + 1)) >= 0) e0++;
        // (sum / n)^2 < 2^(2 e0 + 1)  <=>  sum^2 < n^2 2^(2 e0 + 1)
        bool below = (sum * sum).CompareTo(count * count * Dyadic.PowerOfTwo((2 * e0) + 1)) < 0;
        return Math.ScaleB(1.0, below ? e0 : e0 + 1);
    }
}
