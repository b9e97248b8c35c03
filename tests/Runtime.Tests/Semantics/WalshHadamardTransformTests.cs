using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Tests.Semantics;

/// <summary>The Walsh-Hadamard transform (not HBNN's hb) against the matrix it stands for.</summary>
public sealed class WalshHadamardTransformTests
{
    /// <summary>y = H v by the definition, H[i, j] = (-1)^popcount(i &amp; j): n^2 products.</summary>
    private static double[] NaiveProduct(double[] v)
    {
        var y = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            for (int j = 0; j < v.Length; j++) y[i] += WalshHadamardTransform.Entry(i, j) * v[j];
        }
        return y;
    }

    [Fact]
    public void TheMatrixIsSylvestersRecursion()
    {
        // H_2n = [[H_n, H_n], [H_n, -H_n]]
        for (int n = 1; n <= 64; n *= 2)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    int h = WalshHadamardTransform.Entry(i, j);
                    Assert.Equal(h, WalshHadamardTransform.Entry(i, j + n));
                    Assert.Equal(h, WalshHadamardTransform.Entry(i + n, j));
                    Assert.Equal(-h, WalshHadamardTransform.Entry(i + n, j + n));
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(1024)]
    public void FastTransformEqualsTheMatrixProductExactlyOnIntegers(int n)
    {
        var rng = new SplitMix64((ulong)n);
        var v = Enumerable.Range(0, n).Select(_ => (double)(rng.NextInt(511) - 255)).ToArray();
        var fast = (double[])v.Clone();
        WalshHadamardTransform.Transform(fast);
        Assert.Equal(NaiveProduct(v), fast);
    }

    [Fact]
    public void TransformingTwiceScalesByTheLength()
    {
        var rng = new SplitMix64(2);
        var v = Enumerable.Range(0, 256).Select(_ => (double)rng.NextInt(1000)).ToArray();
        var twice = (double[])v.Clone();
        WalshHadamardTransform.Transform(twice);
        WalshHadamardTransform.Transform(twice);
        Assert.Equal(v.Select(x => x * 256), twice);
    }

    [Fact]
    public void ALengthThatIsNotAPowerOfTwoIsRefused() =>
        Assert.Throws<ArgumentException>(() => WalshHadamardTransform.Transform(new double[12]));

    [Fact]
    public void SignsOfASeedArePinned()
    {
        // The sign vector a seed stands for is part of the model format: changing it would change every saved model.
        var signs = WalshHadamardTransform.SignsFromSeed(7, 16);
        Assert.Equal("++--+++++++-----", string.Concat(signs.Select(s => s > 0 ? '+' : '-')));
        Assert.Equal(signs, WalshHadamardTransform.SignsFromSeed(7, 16));
        var many = WalshHadamardTransform.SignsFromSeed(8, 4096);
        Assert.InRange(many.Count(s => s > 0), 1900, 2196);
        Assert.All(many, s => Assert.True(s is 1f or -1f));
    }

    [Fact]
    public void RowsPadSignTransformNormalizeScaleAndShift()
    {
        // x = [2, -1, 3], size 4, signs [+, -, -, +], shift 1, scale [1, 2, 0.5, -1], bias [0, 1, 0, 0.25]
        // D pad(x) = [2, 1, -3, 0]; H of it = [0, -2, 6, 4]; * 2^-1 = [0, -1, 3, 2]; * scale + bias = [0, -1, 1.5, -1.75]
        var rows = new WalshHadamardRows(4, [1, -1, -1, 1], 1, [1, 2, 0.5, -1], [0, 1, 0, 0.25]);
        var y = rows.Apply(new Matrix(2, 3, [2, -1, 3, 0, 0, 0]));
        Assert.Equal([0, -1, 1.5, -1.75, 0, 1, 0, 0.25], y.Data);

        var rng = new SplitMix64(5);
        var signs = WalshHadamardTransform.SignsFromSeed(9, 32).Select(s => (double)s).ToArray();
        var x = Enumerable.Range(0, 20).Select(_ => (double)rng.NextInt(256)).ToArray();
        var padded = x.Select((v, i) => v * signs[i]).Concat(new double[12]).ToArray();
        var expected = NaiveProduct(padded).Select(v => v / 8).ToArray();
        Assert.Equal(expected, new WalshHadamardRows(32, signs, 3, null, null).Apply(new Matrix(1, 20, x)).Data);
    }
}
