namespace HwFlow.Training.Experiments;

/// <summary>
/// The seed's "CMMA" analogue: the conventional matrix multiply as a plain triple loop over
/// floats (B given transposed so the inner loop is a contiguous dot product), no SIMD, no blocking.
/// </summary>
public static class FloatTripleLoop
{
    /// <summary>C[m, n] = A[m, k] . B^T where <paramref name="bTransposed"/> is [n, k].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> bTransposed, Span<float> c, int m, int n, int k)
    {
        if (a.Length < (long)m * k || bTransposed.Length < (long)n * k || c.Length < (long)m * n)
            throw new ArgumentException($"buffers too small for a {m}x{k} by {k}x{n} product");
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++) sum += a[(i * k) + p] * bTransposed[(j * k) + p];
                c[(i * n) + j] = sum;
            }
        }
    }
}
