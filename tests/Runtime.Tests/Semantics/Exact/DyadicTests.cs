using System.Numerics;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Tests.Semantics.Exact;

public sealed class DyadicTests
{
    [Fact]
    public void RoundingAQuotientMatchesIeeeDivisionOfExactOperands()
    {
        // a / b of two doubles is correctly rounded by the hardware: the exact path must agree.
        var rng = new SplitMix64(11);
        for (int i = 0; i < 20_000; i++)
        {
            double a = (rng.NextDouble() - 0.5) * Math.ScaleB(1.0, rng.NextInt(200) - 100);
            long b = 1 + rng.NextInt(1 << 20);
            Assert.Equal(a / b, Dyadic.FromDouble(a).RoundToDouble(b));
        }
    }

    [Fact]
    public void TiesGoToEvenAndTinyValuesUnderflowGradually()
    {
        // 1 + 2^-53 is halfway between 1 and 1 + 2^-52: ties to even gives 1; 1 + 3 * 2^-53 gives 1 + 2^-51.
        Assert.Equal(1.0, new Dyadic((BigInteger.One << 53) + 1, -53).RoundToDouble(1));
        Assert.Equal(1.0 + Math.ScaleB(1, -51), new Dyadic((BigInteger.One << 53) + 3, -53).RoundToDouble(1));
        Assert.Equal(double.Epsilon, new Dyadic(1, -1074).RoundToDouble(1));
        Assert.Equal(0.0, new Dyadic(1, -1075).RoundToDouble(1)); // halfway to the smallest subnormal: even is 0
        Assert.Equal(double.Epsilon, new Dyadic(3, -1076).RoundToDouble(1));
        Assert.Equal(Math.ScaleB(3, -1074), new Dyadic(3, -1074).RoundToDouble(1));
        Assert.Equal(-1.0 / 3, new Dyadic(-1, 0).RoundToDouble(3));
    }

    [Fact]
    public void TheTestsRationalRoundingAgreesWithTheRuntimesExactPath()
    {
        var rng = new SplitMix64(12);
        for (int i = 0; i < 5_000; i++)
        {
            var value = new Dyadic(new BigInteger(rng.NextUInt64()) * (rng.NextInt(2) == 0 ? 1 : -1), rng.NextInt(2200) - 1150);
            long d = 1 + rng.NextInt(1000);
            var rational = (value.Exponent >= 0 ? new BigRational(value.Mantissa << value.Exponent, 1) : new BigRational(value.Mantissa, BigInteger.One << -value.Exponent)) / d;
            Assert.Equal(rational.ToDouble(), value.RoundToDouble(d));
        }
    }

    [Fact]
    public void ChunkScalesAreTheExactMeanRoundedOnce()
    {
        // 0.1 + 0.2 + 0.3 summed left to right in double is 0.6000000000000001; the exact sum of
        // these three doubles divided by 3 rounds to 0.2.
        double[] chunk = [0.1, 0.2, 0.3];
        var exact = (BigRational.FromDouble(0.1) + BigRational.FromDouble(0.2) + BigRational.FromDouble(0.3)) / 3;
        Assert.Equal(exact.ToDouble(), ChunkScale.Scale(chunk, HwFlow.Runtime.Model.ScaleMode.Exact));
        Assert.Equal(0.2, ChunkScale.Scale(chunk, HwFlow.Runtime.Model.ScaleMode.Exact));
        Assert.Equal(0.25, ChunkScale.Scale(chunk, HwFlow.Runtime.Model.ScaleMode.Pow2));
    }
}
