using System.Numerics;

namespace HwFlow.Runtime.Numerics;

/// <summary>
/// Register and word widths, in one place so that the resource model and the generators size
/// the same thing the same way. The names say which end of a power of two they mean:
/// <see cref="ToHold(long)"/>(4) = 3 (the value 4 itself), <see cref="ToIndex"/>(4) = 2 (four
/// values 0..3, a counter or an index).
/// </summary>
public static class BitWidth
{
    /// <summary>ceil(log2 n), 0 for n &lt;= 1: CeilLog2(4) = 2, CeilLog2(5) = 3.</summary>
    public static int CeilLog2(long n) => n <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(n - 1));

    /// <summary>Bits of an unsigned word that holds every value 0..<paramref name="max"/>, at least 1: ToHold(3) = 2, ToHold(4) = 3.</summary>
    public static int ToHold(long max) => max <= 1 ? 1 : 64 - BitOperations.LeadingZeroCount((ulong)max);

    /// <summary>Bits of a counter or index over <paramref name="count"/> values 0..count-1, at least 1: ToIndex(4) = 2, ToIndex(5) = 3.</summary>
    public static int ToIndex(long count) => ToHold(count - 1);

    /// <summary>Bits of the narrowest word that holds min..max: unsigned when min &gt;= 0, else two's complement.</summary>
    public static int ToHold(long min, long max)
    {
        if (min > max) throw new ArgumentException($"empty interval [{min}, {max}]");
        return min >= 0 ? ToHold(max) : ToHoldSigned(min, max);
    }

    /// <summary>Bits of a two's complement word that holds min..max (a sign bit even when both are non-negative).</summary>
    public static int ToHoldSigned(BigInteger min, BigInteger max) => (int)Math.Max(min.GetBitLength(), max.GetBitLength()) + 1;
}
