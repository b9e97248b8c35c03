using System.Numerics;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// y_j = a_j * (s * x) + c_j for an integer x of scale s, in integers: y_j = (mul_j * x + add_j) * 2^Exponent. Every
/// double is an integer times a power of two, so with the smallest exponent of all the terms
/// the integers are exact; only when they would not fit 62 bits together with x (see
/// <see cref="RangeRules.MaxWidth"/>) is the exponent raised and the integers rounded, and
/// <see cref="Error"/> says by how much y can move.
/// </summary>
public sealed record DyadicAffine(long[] Mul, long[] Add, int Exponent, double Error)
{
    private const int Budget = 61;

    public static DyadicAffine Of(double[] a, double[] c, double scale, long xMagnitude)
    {
        // a_j * s exactly: the product of the two mantissas at the sum of the exponents
        var (ms, es) = Split(scale);
        var slopes = a.Select(v => Split(v) is var (m, e) ? (Mantissa: new BigInteger(m) * ms, Exponent: e + es) : default).ToArray();
        var offsets = c.Select(v => Split(v) is var (m, e) ? (Mantissa: new BigInteger(m), Exponent: e) : default).ToArray();
        var terms = slopes.Concat(offsets).Where(t => !t.Mantissa.IsZero).ToList();
        int exponent = terms.Count == 0 ? 0 : terms.Min(t => t.Exponent);
        while (true)
        {
            var mul = slopes.Select(t => Scaled(t, exponent)).ToArray();
            var add = offsets.Select(t => Scaled(t, exponent)).ToArray();
            BigInteger largest = 0;
            for (int j = 0; j < a.Length; j++) largest = BigInteger.Max(largest, (BigInteger.Abs(mul[j]) * xMagnitude) + BigInteger.Abs(add[j]));
            if (largest.GetBitLength() <= Budget && mul.Concat(add).All(v => BigInteger.Abs(v).GetBitLength() <= 62))
            {
                double error = 0;
                for (int j = 0; j < a.Length; j++)
                {
                    double step = Math.ScaleB(1, exponent);
                    error = Math.Max(error, (Math.Abs((a[j] * scale) - ((double)mul[j] * step)) * xMagnitude) + Math.Abs(c[j] - ((double)add[j] * step)));
                }
                return new DyadicAffine(mul.Select(v => (long)v).ToArray(), add.Select(v => (long)v).ToArray(), exponent, error);
            }
            exponent += Math.Max(1, (int)largest.GetBitLength() - Budget);
        }
    }

    /// <summary>v as m * 2^e with an odd integer m (or m = 0).</summary>
    private static (long Mantissa, int Exponent) Split(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v);
        int biased = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        int exponent = biased == 0 ? -1074 : biased - 1075;
        if (biased != 0) mantissa |= 1L << 52;
        if (mantissa == 0) return (0, 0);
        int zeros = BitOperations.TrailingZeroCount(mantissa);
        return ((v < 0 ? -1 : 1) * (mantissa >> zeros), exponent + zeros);
    }

    /// <summary>round(m 2^e / 2^exponent), exact when m 2^e is a multiple of 2^exponent (ties away from zero).</summary>
    private static BigInteger Scaled((BigInteger Mantissa, int Exponent) term, int exponent)
    {
        var (m, e) = term;
        if (m.IsZero) return 0;
        int shift = e - exponent;
        if (shift >= 0) return m << shift;
        var magnitude = BigInteger.Abs(m);
        var rounded = (magnitude + (BigInteger.One << (-shift - 1))) >> -shift;
        return m.Sign < 0 ? -rounded : rounded;
    }
}
