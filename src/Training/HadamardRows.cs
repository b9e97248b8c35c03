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
        var values = new double[Math.Min(chunk, columns)];
        for (int r = 0; r < rows; r++)
        {
            int rowStart = r * columns;
            for (int c = 0; c < chunks; c++)
            {
                int start = rowStart + (c * chunk);
                int length = Math.Min(chunk, columns - (c * chunk));
                for (int i = 0; i < length; i++) values[i] = x[start + i];
                float scale = (float)ChunkScale.Scale(values.AsSpan(0, length), mode);
                scales[(r * chunks) + c] = scale;
                for (int i = start; i < start + length; i++) y[i] = Sign(x[i], unipolar) * scale;
            }
        }
    }

    /// <summary>dx from dy, the forward input x and the chunk scales the forward pass used.</summary>
    public static void Backward(float[] x, float[] scales, float[] dy, float[] dx, int rows, int columns, int chunk, bool unipolar)
    {
        int chunks = ChunksPerRow(columns, chunk);
        for (int r = 0; r < rows; r++)
        {
            int rowStart = r * columns;
            for (int c = 0; c < chunks; c++)
            {
                int start = rowStart + (c * chunk);
                int length = Math.Min(chunk, columns - (c * chunk));
                float scale = scales[(r * chunks) + c];
                double signedSum = 0;
                for (int i = start; i < start + length; i++) signedSum += (double)dy[i] * Sign(x[i], unipolar);
                float throughMean = (float)(signedSum / length);
                for (int i = start; i < start + length; i++)
                {
                    float straight = Math.Abs(x[i]) <= 1f ? dy[i] * scale : 0f;
                    dx[i] = straight + (AbsDerivative(x[i]) * throughMean);
                }
            }
        }
    }

    /// <summary>The seed's sign: bipolar with s(0) = +1, or unipolar (1 if x &gt; 0 else 0) on non-negative inputs.</summary>
    public static float Sign(float x, bool unipolar) => unipolar ? (x > 0 ? 1f : 0f) : (x >= 0 ? 1f : -1f);

    private static float AbsDerivative(float x) => x > 0 ? 1f : x < 0 ? -1f : 0f;
}
