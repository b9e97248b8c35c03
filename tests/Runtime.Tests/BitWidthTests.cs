using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Tests;

public sealed class BitWidthTests
{
    [Fact]
    public void HoldAndIndexDifferByOneBitExactlyAtPowersOfTwo()
    {
        Assert.Equal(1, BitWidth.ToHold(0));
        Assert.Equal(1, BitWidth.ToHold(1));
        Assert.Equal(2, BitWidth.ToHold(2));
        Assert.Equal(10, BitWidth.ToHold(784));
        Assert.Equal(0, BitWidth.CeilLog2(1));
        Assert.Equal(4, BitWidth.CeilLog2(16));
        Assert.Equal(5, BitWidth.CeilLog2(17));
        Assert.Equal(1, BitWidth.ToIndex(1));
        Assert.Equal(1, BitWidth.ToIndex(2));
        for (int k = 1; k < 62; k++)
        {
            long power = 1L << k;
            Assert.Equal(k + 1, BitWidth.ToHold(power));
            Assert.Equal(k, BitWidth.ToIndex(power));
            Assert.Equal(k, BitWidth.CeilLog2(power));
            Assert.Equal(k + 1, BitWidth.ToIndex(power + 1));
            Assert.Equal(k + 1, BitWidth.CeilLog2(power + 1));
        }
    }

    [Fact]
    public void WidthsAgreeWithTheirDefinitionOnEveryValueUpTo4096()
    {
        for (long n = 1; n <= 4096; n++)
        {
            int hold = 1;
            while ((1L << hold) <= n) hold++;
            Assert.Equal(hold, BitWidth.ToHold(n));
            int index = 1;
            while ((1L << index) < n) index++;
            Assert.Equal(index, BitWidth.ToIndex(n));
            Assert.Equal(n == 1 ? 0 : index, BitWidth.CeilLog2(n));
        }
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(0, 1, 1)]
    [InlineData(0, 255, 8)]
    [InlineData(-1, 0, 1)]
    [InlineData(-128, 127, 8)]
    [InlineData(-129, 0, 9)]
    [InlineData(-1, 128, 9)]
    [InlineData(-5, -3, 4)]
    [InlineData(long.MinValue, long.MaxValue, 64)]
    public void RangesTakeASignBitOnlyWhenTheyReachBelowZero(long min, long max, int width)
    {
        Assert.Equal(width, BitWidth.ToHold(min, max));
        if (min < 0) Assert.Equal(width, BitWidth.ToHoldSigned(min, max));
    }

    [Fact]
    public void SignedWidthsFitTheirRangeAndNoNarrowerOne()
    {
        Assert.Equal(2, BitWidth.ToHoldSigned(0, 1));
        Assert.Equal(4, BitWidth.ToHoldSigned(-5, 5));
        Assert.Equal(65, BitWidth.ToHoldSigned(-(BigInteger)ulong.MaxValue, 0));
        Assert.Equal(66, BitWidth.ToHoldSigned(0, (BigInteger)ulong.MaxValue + 1));
        for (long lo = -70; lo <= 70; lo += 7)
        {
            for (long hi = lo; hi <= 70; hi += 5)
            {
                int w = BitWidth.ToHoldSigned(lo, hi);
                Assert.True(lo >= -(1L << (w - 1)) && hi <= (1L << (w - 1)) - 1, $"[{lo}, {hi}] in {w} bits");
                Assert.False(w > 1 && lo >= -(1L << (w - 2)) && hi <= (1L << (w - 2)) - 1, $"[{lo}, {hi}] fits {w - 1} bits");
            }
        }
        Assert.Throws<ArgumentException>(() => BitWidth.ToHold(2, 1));
    }
}
