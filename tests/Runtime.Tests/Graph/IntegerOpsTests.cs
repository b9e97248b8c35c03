using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Tests.Graph;

/// <summary>The integer ops' exact meaning, checked by hand on tiny graphs.</summary>
public sealed class IntegerOpsTests
{
    private static long[] Run(string body, params byte[] input)
    {
        var graph = GraphParser.Parse("graph \"t\" {\n" + body + "\n}");
        var result = new GraphExecutor(graph, checkRanges: true).Run(input, 1);
        return result switch
        {
            IntValue ints => ints.Data,
            BitsValue bits => bits.Data.Select(b => (long)b).ToArray(),
            _ => throw new InvalidOperationException(),
        };
    }

    [Fact]
    public void DenseIsAnExactIntegerDotProductPlusBias() =>
        Assert.Equal([(3 * 1) + (5 * -2) + 4, (3 * 7) + (5 * 0) - 1], Run("""
              %x = input : u8[2] in [0, 255] scale 1.0
              %d = dense %x {weights=i64[2,2]{1, 7, -2, 0}, bias=i64[2]{4, -1}} : s12[2] in [-1000, 2000] scale 1.0
              %out = output %d : s12[2] in [-1000, 2000] scale 1.0
            """, 3, 5));

    [Fact]
    public void BinDotCountsPerChunkTimesFactorAndCoefficient()
    {
        // bits 0/1 = [1,0,1,1,0] from x >= 1; chunks of 2: [1,0],[1,1],[0]
        // column 0 signs [+,-,+,-,+]: P = [1, 0, 0]; column 1 signs [-,-,+,+,-]: P = [-1, 2, 0]
        // factors = popcounts [1, 2, 0], coef [[1,10],[2,20],[3,30]], bias [100, 0]
        // y0 = 100 + 1*1*1 + 2*0*2 + 0*0*3 = 101; y1 = 1*-1*10 + 2*2*20 + 0 = 70
        var result = Run("""
              %x = input : u8[5] in [0, 255] scale 1.0
              %b = threshold %x {t=1} : bits.01[5]
              %f = chunk-factor %b {chunk=2} : u2[3] in [0, 2] scale 1.0
              %y = bin-dot %b, %f {weights=i64[5,2]{1, -1, -1, -1, 1, 1, -1, 1, 1, -1}, chunk=2, coef=i64[3,2]{1, 10, 2, 20, 3, 30}, bias=i64[2]{100, 0}} : s11[2] in [-1000, 1000] scale 1.0
              %out = output %y : s11[2] in [-1000, 1000] scale 1.0
            """, 9, 0, 4, 1, 0);
        Assert.Equal([100 + (1 * 1 * 1) + (2 * 0 * 2), (1 * -1 * 10) + (2 * 2 * 20)], result);
    }

    [Fact]
    public void BipolarBitsCountAsPlusMinusOne()
    {
        // bits pm from x >= 128: [+1, -1, +1]; weights [+1, +1, -1]: P = 1 - 1 - 1 = -1 (2 * popcount(xnor) - n)
        Assert.Equal([-1], Run("""
              %x = input : u8[3] in [0, 255] scale 1.0
              %b = threshold %x {t=128} : bits.pm[3]
              %y = bin-dot %b {weights=i64[3,1]{1, 1, -1}, chunk=3} : s3[1] in [-3, 3] scale 1.0
              %out = output %y : s3[1] in [-3, 3] scale 1.0
            """, 200, 3, 128));
    }

    [Fact]
    public void ThresholdDirectionsAndChunkSums()
    {
        Assert.Equal([1, 0, 0, 1], Run("""
              %x = input : u8[4] in [0, 255] scale 1.0
              %b = threshold %x {t=i64[4]{10, -10, 1, 0}, dir=i64[4]{1, -1, 0, 0}} : bits.01[4]
              %out = output %b : bits.01[4]
            """, 10, 11, 99, 99));
        Assert.Equal([3 + 4, 5], Run("""
              %x = input : u8[3] in [0, 255] scale 1.0
              %s = chunk-sum %x {chunk=2} : u9[2] in [0, 510] scale 1.0
              %out = output %s : u9[2] in [0, 510] scale 1.0
            """, 3, 4, 5));
    }

    [Fact]
    public void ShiftFloorsAndScaleMultipliesAddsAndShifts()
    {
        Assert.Equal([-2, 1], Run("""
              %x = input : u8[2] in [0, 255] scale 1.0
              %d = dense %x {weights=i64[2,2]{-1, 0, 0, 1}} : s9[2] in [-255, 255] scale 1.0
              %s = shift %d {amount=2} : s7[2] in [-64, 63] scale 4.0
              %out = output %s : s7[2] in [-64, 63] scale 4.0
            """, 5, 7));
        Assert.Equal([((5 * 3) + 1) >> 1, ((7 * 3) + 1) >> 1], Run("""
              %x = input : u8[2] in [0, 255] scale 1.0
              %s = scale %x {mul=3, add=1, shift=1} : u9[2] in [0, 383] scale 1.0
              %out = output %s : u9[2] in [0, 383] scale 1.0
            """, 5, 7));
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(0.5, 0.625)]
    [InlineData(1.0, 0.75)]
    [InlineData(2.0, 0.875)]
    [InlineData(3.0, 0.9375)]
    [InlineData(6.0, 1.0)]
    [InlineData(-1.0, 0.25)]
    [InlineData(-6.0, 0.0)]
    public void PlanSigmoidAtItsBreakpoints(double x, double expected)
    {
        const int inFrac = 12, frac = 15;
        long y = IntegerOpsAccess.PwlSigmoid((long)(x * (1 << inFrac)), inFrac, frac);
        Assert.Equal(expected, y / (double)(1 << frac), 6);
        Assert.InRange(Math.Abs((y / (double)(1 << frac)) - (1 / (1 + Math.Exp(-x)))), 0, 0.0189 + 1e-4);
    }

    [Fact]
    public void CheckedModeCatchesAValueOutsideItsRange()
    {
        var graph = GraphParser.Parse("""
            graph "t" {
              %x = input : u8[1] in [0, 255] scale 1.0
              %d = dense %x {weights=i64[1,1]{2}} : u8[1] in [0, 255] scale 1.0
              %out = output %d : u8[1] in [0, 255] scale 1.0
            }
            """);
        var e = Assert.Throws<RangeViolationException>(() => new GraphExecutor(graph, checkRanges: true).Run([200], 1));
        Assert.Contains("%d (dense) element 0 of sample 0 is 400, outside its proven range [0, 255]", e.Message);
    }
}
