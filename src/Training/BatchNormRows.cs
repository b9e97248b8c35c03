using System.Numerics;

namespace HwFlow.Training;

/// <summary>
/// The per-row loops of <see cref="BatchNormTrainLayer"/> over its channels, on SIMD vectors.
/// Every element goes through the same IEEE operations in the same order as the scalar
/// expression beside each loop (widening float to double and narrowing back round as the casts
/// do, and nothing is fused), so the results are the scalar loops' to the bit.
/// </summary>
internal static class BatchNormRows
{
    private static readonly int Floats = Vector<float>.Count;
    private static readonly int Doubles = Vector<double>.Count;

    /// <summary>sum[j] += (x[j] - mean[j])^2 in double.</summary>
    public static void AddSquaredDeviation(ReadOnlySpan<float> x, ReadOnlySpan<double> mean, Span<double> sum)
    {
        int j = 0;
        for (; j <= x.Length - Floats; j += Floats)
        {
            Vector.Widen(new Vector<float>(x[j..]), out var low, out var high);
            var d0 = low - new Vector<double>(mean[j..]);
            var d1 = high - new Vector<double>(mean[(j + Doubles)..]);
            (new Vector<double>(sum[j..]) + (d0 * d0)).CopyTo(sum[j..]);
            (new Vector<double>(sum[(j + Doubles)..]) + (d1 * d1)).CopyTo(sum[(j + Doubles)..]);
        }
        for (; j < x.Length; j++)
        {
            double d = x[j] - mean[j];
            sum[j] += d * d;
        }
    }

    /// <summary>xhat = (float)(x - mean) * inverseStd; y = gamma * xhat + beta.</summary>
    public static void Normalize(ReadOnlySpan<float> x, ReadOnlySpan<double> mean, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, Span<float> xhat, Span<float> y)
    {
        int j = 0;
        for (; j <= x.Length - Floats; j += Floats)
        {
            Vector.Widen(new Vector<float>(x[j..]), out var low, out var high);
            var n = Vector.Narrow(low - new Vector<double>(mean[j..]), high - new Vector<double>(mean[(j + Doubles)..])) * new Vector<float>(inverseStd[j..]);
            n.CopyTo(xhat[j..]);
            ((new Vector<float>(gamma[j..]) * n) + new Vector<float>(beta[j..])).CopyTo(y[j..]);
        }
        for (; j < x.Length; j++)
        {
            float n = (float)(x[j] - mean[j]) * inverseStd[j];
            xhat[j] = n;
            y[j] = (gamma[j] * n) + beta[j];
        }
    }

    /// <summary>sumDy[j] += dy[j]; sumDyXhat[j] += (double)dy[j] * xhat[j].</summary>
    public static void AddGradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, Span<double> sumDy, Span<double> sumDyXhat)
    {
        int j = 0;
        for (; j <= dy.Length - Floats; j += Floats)
        {
            Vector.Widen(new Vector<float>(dy[j..]), out var g0, out var g1);
            Vector.Widen(new Vector<float>(xhat[j..]), out var h0, out var h1);
            (new Vector<double>(sumDy[j..]) + g0).CopyTo(sumDy[j..]);
            (new Vector<double>(sumDy[(j + Doubles)..]) + g1).CopyTo(sumDy[(j + Doubles)..]);
            (new Vector<double>(sumDyXhat[j..]) + (g0 * h0)).CopyTo(sumDyXhat[j..]);
            (new Vector<double>(sumDyXhat[(j + Doubles)..]) + (g1 * h1)).CopyTo(sumDyXhat[(j + Doubles)..]);
        }
        for (; j < dy.Length; j++)
        {
            sumDy[j] += dy[j];
            sumDyXhat[j] += (double)dy[j] * xhat[j];
        }
    }

    /// <summary>dx = factor * (dy - meanDy - xhat * meanDyXhat).</summary>
    public static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> factor, ReadOnlySpan<float> meanDy,
        ReadOnlySpan<float> meanDyXhat, Span<float> dx)
    {
        int j = 0;
        for (; j <= dy.Length - Floats; j += Floats)
        {
            var inner = new Vector<float>(dy[j..]) - new Vector<float>(meanDy[j..]) - (new Vector<float>(xhat[j..]) * new Vector<float>(meanDyXhat[j..]));
            (new Vector<float>(factor[j..]) * inner).CopyTo(dx[j..]);
        }
        for (; j < dy.Length; j++) dx[j] = factor[j] * (dy[j] - meanDy[j] - (xhat[j] * meanDyXhat[j]));
    }

    /// <summary>y = (float)((gamma * ((double)x - mean) / std) + beta), all in double (the reference evaluator's order).</summary>
    public static void Evaluate(ReadOnlySpan<float> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> mean, ReadOnlySpan<double> std,
        ReadOnlySpan<double> beta, Span<float> y)
    {
        int j = 0;
        for (; j <= x.Length - Floats; j += Floats)
        {
            Vector.Widen(new Vector<float>(x[j..]), out var low, out var high);
            var y0 = (new Vector<double>(gamma[j..]) * (low - new Vector<double>(mean[j..])) / new Vector<double>(std[j..])) + new Vector<double>(beta[j..]);
            int k = j + Doubles;
            var y1 = (new Vector<double>(gamma[k..]) * (high - new Vector<double>(mean[k..])) / new Vector<double>(std[k..])) + new Vector<double>(beta[k..]);
            Vector.Narrow(y0, y1).CopyTo(y[j..]);
        }
        for (; j < x.Length; j++) y[j] = (float)((gamma[j] * ((double)x[j] - mean[j]) / std[j]) + beta[j]);
    }
}
