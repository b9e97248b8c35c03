using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training.Experiments;

/// <summary>One point of the angle-preservation figure.</summary>
public sealed record AnglePoint(int Dimension, string Method, int? ChunkLength, double MeanDegrees, double StdDegrees, int Trials);

/// <summary>
/// The seed's angle-preservation figure: the angle between a standard Gaussian vector v and its
/// binarization, sign(v) or hb(v, k). For sign it tends to arccos(sqrt(2/pi)) = 37.07 degrees
/// (Anderson and Berg); hb with small chunks keeps the angle smaller, and hb with k = 1 is v itself.
/// </summary>
public static class AngleExperiment
{
    public static readonly double SignLimitDegrees = Math.Acos(Math.Sqrt(2 / Math.PI)) * 180 / Math.PI;

    public sealed record Options(int MinDimension = 2, int MaxDimension = 65536, int MaxChunk = 64, int Trials = 20, ulong Seed = 1);

    public static IReadOnlyList<int> Dimensions(Options options) => PowersOfTwo(options.MinDimension, options.MaxDimension);

    public static IReadOnlyList<int> Chunks(Options options) => PowersOfTwo(1, options.MaxChunk);

    /// <summary>Runs every dimension; Ctrl-C (<paramref name="cancel"/>) stops it within one trial.</summary>
    public static IReadOnlyList<AnglePoint> Run(Options options, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        if (options.MinDimension < 1 || options.MaxDimension < options.MinDimension)
            throw new Runtime.Errors.UserError($"dimensions must satisfy 1 <= min <= max, got {options.MinDimension}..{options.MaxDimension}");
        if (options.MaxChunk < 1) throw new Runtime.Errors.UserError($"the largest binAggression must be at least 1, got {options.MaxChunk}");
        if (options.Trials < 1) throw new Runtime.Errors.UserError($"trials must be at least 1, got {options.Trials}");

        var dimensions = Dimensions(options);
        var chunks = Chunks(options);
        var results = new AnglePoint[dimensions.Count][];
        int done = 0;
        // Each dimension draws from its own generator, so results do not depend on thread scheduling.
        Parallel.For(0, dimensions.Count, new ParallelOptions { CancellationToken = cancel }, d =>
        {
            int n = dimensions[d];
            var rng = new SplitMix64(options.Seed * 1_000_003UL + (ulong)n);
            var sign = new double[options.Trials];
            var hb = new double[chunks.Count, options.Trials];
            var v = new double[n];
            var b = new double[n];
            for (int t = 0; t < options.Trials; t++)
            {
                // Parallel.For throws OperationCanceledException once the running bodies return.
                if (cancel.IsCancellationRequested) return;
                for (int i = 0; i < n; i++) v[i] = rng.NextGaussian();
                for (int i = 0; i < n; i++) b[i] = Hadamard.Sign(v[i], unipolar: false);
                sign[t] = AngleDegrees(v, b);
                for (int c = 0; c < chunks.Count; c++)
                {
                    Hadamard.Binarize(v, b, chunks[c], unipolar: false);
                    hb[c, t] = AngleDegrees(v, b);
                }
            }
            var row = new List<AnglePoint> { Point(n, "sign", null, sign) };
            for (int c = 0; c < chunks.Count; c++)
                row.Add(Point(n, "hb", chunks[c], Enumerable.Range(0, options.Trials).Select(t => hb[c, t]).ToArray()));
            results[d] = [.. row];
            progress?.Report(Interlocked.Increment(ref done));
        });
        cancel.ThrowIfCancellationRequested();
        return results.SelectMany(r => r).ToList();
    }

    public static double AngleDegrees(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        double cos = Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1);
        return Math.Acos(cos) * 180 / Math.PI;
    }

    private static AnglePoint Point(int n, string method, int? chunk, double[] angles)
    {
        double mean = angles.Average();
        double variance = angles.Length > 1 ? angles.Sum(a => (a - mean) * (a - mean)) / (angles.Length - 1) : 0;
        return new AnglePoint(n, method, chunk, mean, Math.Sqrt(variance), angles.Length);
    }

    private static List<int> PowersOfTwo(int from, int to)
    {
        var list = new List<int>();
        for (long p = 1; p <= to; p *= 2)
        {
            if (p >= from) list.Add((int)p);
        }
        return list;
    }
}
