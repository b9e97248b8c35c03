using System.Numerics;

namespace HwFlow.Training;

/// <summary>Elementwise loops of the training layers on SIMD vectors (each element on its own, so the results equal the scalar loops').</summary>
internal static class VectorLoops
{
    /// <summary>y = max(x, 0).</summary>
    public static void Ramp(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.Max(new Vector<float>(x[i..]), Vector<float>.Zero).CopyTo(y[i..]);
        for (; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : 0f;
    }

    /// <summary>dx = dy where y &gt; 0, else 0.</summary>
    public static void PassWherePositive(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.ConditionalSelect(Vector.GreaterThan(new Vector<float>(y[i..]), Vector<float>.Zero), new Vector<float>(dy[i..]), Vector<float>.Zero).CopyTo(dx[i..]);
        for (; i < y.Length; i++) dx[i] = y[i] > 0 ? dy[i] : 0f;
    }

    /// <summary>y = +1 where x &gt;= 0, else -1.</summary>
    public static void Sign(ReadOnlySpan<float> x, Span<float> y)
    {
        var one = Vector<float>.One;
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.ConditionalSelect(Vector.GreaterThanOrEqual(new Vector<float>(x[i..]), Vector<float>.Zero), one, -one).CopyTo(y[i..]);
        for (; i < x.Length; i++) y[i] = x[i] >= 0 ? 1f : -1f;
    }

    /// <summary>dx = dy where |x| &lt;= 1, else 0 (the straight-through estimator).</summary>
    public static void PassWhereUnit(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.ConditionalSelect(Vector.LessThanOrEqual(Vector.Abs(new Vector<float>(x[i..])), Vector<float>.One), new Vector<float>(dy[i..]), Vector<float>.Zero).CopyTo(dx[i..]);
        for (; i < x.Length; i++) dx[i] = Math.Abs(x[i]) <= 1f ? dy[i] : 0f;
    }

    /// <summary>target[j] += source[j], in float.</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> target)
    {
        int i = 0;
        for (; i <= source.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(target[i..]) + new Vector<float>(source[i..])).CopyTo(target[i..]);
        for (; i < source.Length; i++) target[i] += source[i];
    }

    /// <summary>target[j] += source[j], in double.</summary>
    public static void Accumulate(ReadOnlySpan<float> source, Span<double> target)
    {
        int i = 0;
        for (; i <= source.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(source[i..]), out var low, out var high);
            (new Vector<double>(target[i..]) + low).CopyTo(target[i..]);
            (new Vector<double>(target[(i + Vector<double>.Count)..]) + high).CopyTo(target[(i + Vector<double>.Count)..]);
        }
        for (; i < source.Length; i++) target[i] += source[i];
    }
}
