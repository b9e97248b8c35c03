using System.Numerics;

namespace HwFlow.Runtime.Tests.Semantics.Exact;

/// <summary>
/// An exact rational number (numerator / positive denominator, in lowest terms), written for the
/// tests so the float reference is checked against arithmetic it does not share.
/// </summary>
public readonly struct BigRational : IComparable<BigRational>, IEquatable<BigRational>
{
    public BigRational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException();
        if (denominator.Sign < 0) (numerator, denominator) = (-numerator, -denominator);
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero) (numerator, denominator) = (numerator / gcd, denominator / gcd);
        Numerator = numerator;
        _denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    private readonly BigInteger _denominator;

    public BigInteger Numerator { get; }

    /// <summary>Positive; default(BigRational) is 0/1.</summary>
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    public static BigRational Zero => new(0, 1);
    public static BigRational One => new(1, 1);
    public int Sign => Numerator.Sign;

    public static implicit operator BigRational(long value) => new(value, 1);

    /// <summary>The exact value of a double (every finite double is a binary fraction).</summary>
    public static BigRational FromDouble(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value));
        if (value == 0) return Zero;
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponentField = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & ((1L << 52) - 1);
        BigInteger mantissa = exponentField == 0 ? fraction : fraction | (1L << 52);
        int exponent = (exponentField == 0 ? 1 : exponentField) - 1075;
        if (bits < 0) mantissa = -mantissa;
        return exponent >= 0 ? new BigRational(mantissa << exponent, 1) : new BigRational(mantissa, BigInteger.One << -exponent);
    }

    public static BigRational operator +(BigRational a, BigRational b) =>
        new((a.Numerator * b.Denominator) + (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static BigRational operator -(BigRational a, BigRational b) =>
        new((a.Numerator * b.Denominator) - (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static BigRational operator -(BigRational a) => new(-a.Numerator, a.Denominator);

    public static BigRational operator *(BigRational a, BigRational b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static BigRational operator /(BigRational a, BigRational b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static bool operator <(BigRational a, BigRational b) => a.CompareTo(b) < 0;
    public static bool operator >(BigRational a, BigRational b) => a.CompareTo(b) > 0;
    public static bool operator <=(BigRational a, BigRational b) => a.CompareTo(b) <= 0;
    public static bool operator >=(BigRational a, BigRational b) => a.CompareTo(b) >= 0;
    public static bool operator ==(BigRational a, BigRational b) => a.Equals(b);
    public static bool operator !=(BigRational a, BigRational b) => !a.Equals(b);

    public BigRational Abs() => Sign < 0 ? -this : this;

    public static BigRational PowerOfTwo(int e) => e >= 0 ? new(BigInteger.One << e, 1) : new(1, BigInteger.One << -e);

    public int CompareTo(BigRational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    public bool Equals(BigRational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is BigRational r && Equals(r);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    /// <summary>floor(log2 |this|) for a non-zero value.</summary>
    public int FloorLog2()
    {
        var a = BigInteger.Abs(Numerator);
        var b = Denominator;
        int e = (int)(a.GetBitLength() - b.GetBitLength());
        // 2^e <= a/b < 2^(e+1)
        if (e >= 0 ? a < b << e : a << -e < b) e--;
        return e;
    }

    /// <summary>The nearest double, ties to even (with gradual underflow).</summary>
    public double ToDouble()
    {
        if (Sign == 0) return 0.0;
        var a = BigInteger.Abs(Numerator);
        var b = Denominator;
        int e = FloorLog2();
        if (e > 1023) return Sign * double.PositiveInfinity;
        // Units of the result: 2^(e-52) for normal values, 2^-1074 below the normal range.
        int scale = e >= -1022 ? 52 - e : 1074;
        var scaled = scale >= 0 ? a << scale : a;
        var divisor = scale >= 0 ? b : b << -scale;
        var m = BigInteger.DivRem(scaled, divisor, out var r);
        int twice = (2 * r).CompareTo(divisor);
        if (twice > 0 || (twice == 0 && !m.IsEven)) m += 1;
        return Sign * Math.ScaleB((double)m, -scale); // m has at most 53 bits and the result is representable, so exact
    }

    public override string ToString() => $"{Numerator}/{Denominator} (~{ToDouble():R})";
}
