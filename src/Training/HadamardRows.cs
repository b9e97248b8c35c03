using System.Numerics;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>
/// Hadamard binarization hb(v, k) of every row of a float32 matrix, forward and backward.
/// <para>
/// Forward is <see cref="Hadamard.Binarize(ReadOnlySpan{double}, Span{double}, int, bool, ScaleMode)"/>
/// in float32: the same chunk scales (<see cref="ChunkScale"/>: the exact mean rounded once, or its
/// power of two), then rounded to float. Backward differentiates y_i = s(x_i) * m,
/// m = mean(|x_j|) over the chunk, exactly except for the sign: s is replaced by the hard tanh,
/// whose derivative is the straight-through estimator 1{|x| &lt;= 1} (Courbariaux et al.). So
/// dL/dx_j = m * dL/dy_j * 1{|x_j| &lt;= 1} + sgn(x_j) / n * sum_i dL/dy_i * s(x_i):
/// the second term is the exact gradient through the chunk mean, which tells the layer how
/// scaling a whole chunk changes the loss. In pow2 mode the rounding of m passes the gradient
/// straight through (d round(m) / dm taken as 1), and the rounded m is the one used above.
/// </para>
/// </summary>
internal static class HadamardRows
{
    public static int ChunksPerRow(int columns, int chunk) => Hadamard.ChunkCount(columns, chunk);

    /// <summary>y = hb(x) row by row; <paramref name="scales"/> receives each chunk's (rounded) mean.</summary>
    public static void Forward(float[] x, float[] y, float[] scales, int rows, int columns, int chunk, bool unipolar, ScaleMode mode)
    {
        int chunks = ChunksPerRow(columns, chunk);
        EachRow(rows, columns, r =>
        {
            int rowStart = r * columns;
            int longest = Math.Min(chunk, columns);
            Span<double> scratch = longest <= 1024 ? stackalloc double[longest] : new double[longest];
            for (int c = 0; c < chunks; c++)
            {
                int start = rowStart + (c * chunk);
                int length = Math.Min(chunk, columns - (c * chunk));
                float scale = FloatChunkMean.Scale(x.AsSpan(start, length), mode, scratch);
                scales[(r * chunks) + c] = scale;
                SignTimes(x.AsSpan(start, length), scale, unipolar, y.AsSpan(start, length));
            }
        });
    }

    /// <summary>
    /// dx from dy, the forward input x and the chunk scales the forward pass used; with
    /// <paramref name="accumulate"/>, dx += that gradient instead (the same float additions as a
    /// separate pass over a gradient buffer, without the buffer).
    /// </summary>
    public static void Backward(float[] x, float[] scales, float[] dy, float[] dx, int rows, int columns, int chunk, bool unipolar, bool accumulate = false)
    {
        int chunks = ChunksPerRow(columns, chunk);
        EachRow(rows, columns, r =>
        {
            int rowStart = r * columns;
            for (int c = 0; c < chunks; c++)
            {
                int start = rowStart + (c * chunk);
                int length = Math.Min(chunk, columns - (c * chunk));
                float scale = scales[(r * chunks) + c];
                float throughMean = (float)(SignedSum(dy.AsSpan(start, length), x.AsSpan(start, length), unipolar) / length);
                ChunkGradient(x.AsSpan(start, length), dy.AsSpan(start, length), scale, throughMean, dx.AsSpan(start, length), accumulate);
            }
        });
    }

    /// <summary>
    /// The sum of dy * s(x) in double, vector lanes first: floats of one chunk sum exactly in
    /// double unless their magnitudes lie more than 2^29 apart, so the order rarely changes a bit.
    /// </summary>
    private static double SignedSum(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, bool unipolar)
    {
        var acc = Vector<double>.Zero;
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(x[i..]);
            var g = new Vector<float>(dy[i..]);
            var signed = unipolar
                ? Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), g, Vector<float>.Zero)
                : Vector.ConditionalSelect(Vector.GreaterThanOrEqual(v, Vector<float>.Zero), g, -g);
            Vector.Widen(signed, out var low, out var high);
            acc += low + high;
        }
        double sum = Vector.Sum(acc);
        for (; i < x.Length; i++) sum += (double)dy[i] * Sign(x[i], unipolar);
        return sum;
    }

    /// <summary>y = s(x) * scale (exactly +-scale or 0), vector by vector.</summary>
    private static void SignTimes(ReadOnlySpan<float> x, float scale, bool unipolar, Span<float> y)
    {
        var plus = new Vector<float>(scale);
        var minus = unipolar ? Vector<float>.Zero : -plus;
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(x[i..]);
            var positive = unipolar ? Vector.GreaterThan(v, Vector<float>.Zero) : Vector.GreaterThanOrEqual(v, Vector<float>.Zero);
            Vector.ConditionalSelect(positive, plus, minus).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++) y[i] = Sign(x[i], unipolar) * scale;
    }

    /// <summary>dx = (|x| &lt;= 1 ? dy * scale : 0) + sgn(x) * throughMean (or dx += that), vector by vector.</summary>
    private static void ChunkGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float scale, float throughMean, Span<float> dx, bool accumulate)
    {
        var s = new Vector<float>(scale);
        var t = new Vector<float>(throughMean);
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(x[i..]);
            var straight = Vector.ConditionalSelect(Vector.LessThanOrEqual(Vector.Abs(v), Vector<float>.One), new Vector<float>(dy[i..]) * s, Vector<float>.Zero);
            var mean = Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), t,
                Vector.ConditionalSelect(Vector.LessThan(v, Vector<float>.Zero), -t, Vector<float>.Zero));
            var gradient = straight + mean;
            (accumulate ? new Vector<float>(dx[i..]) + gradient : gradient).CopyTo(dx[i..]);
        }
        for (; i < x.Length; i++)
        {
            float straight = Math.Abs(x[i]) <= 1f ? dy[i] * scale : 0f;
            float gradient = straight + (AbsDerivative(x[i]) * throughMean);
            dx[i] = accumulate ? dx[i] + gradient : gradient;
        }
    }

    /// <summary>Rows are independent: a large matrix (a convolution's receptive fields) goes on all cores, a small one stays on this thread.</summary>
    private static void EachRow(int rows, int columns, Action<int> row)
    {
        if ((long)rows * columns < (1 << 16))
        {
            for (int r = 0; r < rows; r++) row(r);
            return;
        }
        Parallel.For(0, rows, row);
    }

    /// <summary>The seed's sign: bipolar with s(0) = +1, or unipolar (1 if x &gt; 0 else 0) on non-negative inputs.</summary>
    public static float Sign(float x, bool unipolar) => unipolar ? (x > 0 ? 1f : 0f) : (x >= 0 ? 1f : -1f);

    private static float AbsDerivative(float x) => x > 0 ? 1f : x < 0 ? -1f : 0f;
}
