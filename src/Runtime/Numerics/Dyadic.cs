using System.Numerics;

namespace HwFlow.Runtime.Numerics;

/// <summary>
/// An exact binary fraction Mantissa * 2^Exponent: every double is one, and sums and products of
/// them stay exact. With <see cref="RoundToDouble"/> it is the slow, always-right path of the
/// float reference's exact hb arithmetic.
/// </summary>
public readonly record struct Dyadic(BigInteger Mantissa, int Exponent)
{
    public static Dyadic Zero => new(BigInteger.Zero, 0);

    public bool IsZero => Mantissa.IsZero;

    public static Dyadic FromDouble(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), $"{value} is not a finite number");
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        long mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int exponent = (biased == 0 ? 1 : biased) - 1075;
        return new Dyadic(bits < 0 ? -mantissa : mantissa, exponent);
    }

    public static Dyadic operator +(Dyadic a, Dyadic b)
    {
        if (a.IsZero) return b;
        if (b.IsZero) return a;
        int e = Math.Min(a.Exponent, b.Exponent);
        return new Dyadic((a.Mantissa << (a.Exponent - e)) + (b.Mantissa << (b.Exponent - e)), e);
    }

    public static Dyadic operator *(Dyadic a, Dyadic b) => new(a.Mantissa * b.Mantissa, a.Exponent + b.Exponent);

    public static Dyadic operator *(Dyadic a, BigInteger k) => new(a.Mantissa * k, a.Exponent);

    public Dyadic Abs() => new(BigInteger.Abs(Mantissa), Exponent);

    public static Dyadic PowerOfTwo(int exponent) => new(BigInteger.One, exponent);

    /// <summary>Sign of this value minus <paramref name="other"/>: -1, 0 or 1.</summary>
    public int CompareTo(Dyadic other)
    {
        var difference = this + new Dyadic(-other.Mantissa, other.Exponent);
        return difference.Mantissa.Sign;
    }

    /// <summary>
    /// The double nearest to this value divided by <paramref name="denominator"/> (&gt; 0), ties to
    /// even, as IEEE 754 division would give if it could divide exact values: gradual underflow
    /// included, infinity past the largest double.
    /// </summary>
    public double RoundToDouble(BigInteger denominator)
    {
        if (denominator.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(denominator), "the denominator must be positive");
        if (IsZero) return 0.0;
        var n = BigInteger.Abs(Mantissa);
        // Scale so the integer quotient has 56 or 57 bits: 53 kept, the rest (and the remainder) decide the rounding.
        long s = 56 + (long)denominator.GetBitLength() - (long)n.GetBitLength();
        var numerator = s >= 0 ? n << (int)s : n;
        var divisor = s >= 0 ? denominator : denominator << (int)-s;
        var quotient = BigInteger.DivRem(numerator, divisor, out var remainder);
        ulong q = (ulong)quotient;
        bool sticky = !remainder.IsZero;
        int length = 64 - BitOperations.LeadingZeroCount(q);
        long lead = Exponent - s + length - 1; // exponent of the leading bit
        double sign = Mantissa.Sign < 0 ? -1.0 : 1.0;
        if (lead > 1023) return sign * double.PositiveInfinity;
        long precision = lead >= -1022 ? 53 : 53 - (-1022 - lead); // fewer bits below the normal range
        long drop = length - precision;
        if (drop > 64) return sign * 0.0;
        ulong kept = drop == 64 ? 0 : q >> (int)drop;
        ulong rest = drop == 64 ? q : q & ((1UL << (int)drop) - 1);
        ulong half = 1UL << (int)(drop - 1);
        bool up = rest > half || (rest == half && (sticky || (kept & 1) == 1));
        if (up) kept++;
        return sign * Math.ScaleB(kept, (int)(Exponent - s + drop));
    }
}
