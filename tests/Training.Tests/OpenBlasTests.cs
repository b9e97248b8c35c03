using HwFlow.Training.Native;

namespace HwFlow.Training.Tests;

public sealed class OpenBlasTests
{
    [Fact]
    public void SgemmMatchesATripleLoopIncludingTransposes()
    {
        Assert.True(OpenBlas.Available, "OpenBLAS is missing: install the Debian package libopenblas0 (./test.sh does)");
        var rng = new Runtime.Numerics.SplitMix64(1);
        int m = 5, n = 7, k = 3;
        var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextInt(9) - 4).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextInt(9) - 4).ToArray();
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) expected[(i * n) + j] += a[(i * k) + p] * b[(p * n) + j];

        var c = new float[m * n];
        OpenBlas.Sgemm(false, false, m, n, k, 1, a, b, 0, c);
        Assert.Equal(expected, c);

        var aT = new float[k * m];
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) aT[(p * m) + i] = a[(i * k) + p];
        var bT = new float[n * k];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bT[(j * k) + p] = b[(p * n) + j];
        var c2 = new float[m * n];
        OpenBlas.Sgemm(true, true, m, n, k, 1, aT, bT, 0, c2);
        Assert.Equal(expected, c2);

        var y = new float[m];
        OpenBlas.Sgemv(false, m, k, 1, a, b.AsSpan(0, k), 0, y);
        for (int i = 0; i < m; i++)
            Assert.Equal(Enumerable.Range(0, k).Sum(p => a[(i * k) + p] * b[p]), y[i]);
        Assert.Contains("OpenBLAS", OpenBlas.Config);
    }
}
