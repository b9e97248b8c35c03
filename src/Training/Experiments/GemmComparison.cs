using System.Diagnostics;
using HwFlow.Runtime.Kernels;
using HwFlow.Training.Native;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Training.Experiments;

/// <summary>One measured contender at one shape: median seconds over interleaved rounds.</summary>
public sealed record GemmTiming(string Shape, int M, int N, int K, string Contender, int Threads, double Seconds, double GigaOpsPerSecond);

/// <summary>
/// Times the packed binary kernels against their peers in one process, interleaved: every round
/// runs each contender once, in turn, so a disturbance (other jobs on the machine) hits all of
/// them alike; the median over rounds is kept. Ops are multiply-accumulates (bit products for
/// the binary kernels, float products for the peers).
/// </summary>
public sealed class GemmComparison(GemmComparison.Options options)
{
    public sealed record Options(int MinSize, int MaxSize, int MaxNaiveSize, int ChunkLength, int Threads, ulong Seed, KernelIsa? Isa = null);

    /// <summary>Matrix sizes measured: powers of two from MinSize to MaxSize.</summary>
    public IReadOnlyList<int> Sizes()
    {
        var sizes = new List<int>();
        for (int n = options.MinSize; n <= options.MaxSize; n *= 2) sizes.Add(n);
        return sizes;
    }

    private CancellationToken _cancel;

    /// <summary>Measures every size; <paramref name="cancel"/> is checked between timing rounds, so Ctrl-C stops it within one round.</summary>
    public List<GemmTiming> Run(IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        _cancel = cancel;
        OpenBlas.EnsureAvailable();
        var results = new List<GemmTiming>();
        int done = 0;
        foreach (int n in Sizes())
        {
            results.AddRange(MeasureGemm(n));
            results.AddRange(MeasureGemv(n));
            progress?.Report(++done);
        }
        return results;
    }

    private IEnumerable<GemmTiming> MeasureGemm(int n)
    {
        var rng = new SplitMix64(options.Seed + (ulong)n);
        var a = RandomFloats(n * n, rng);
        var b = RandomFloats(n * n, rng);
        var c = new float[n * n];
        var bits = BitMatrix.FromSigns(a, n, n, ActivationCoding.Bipolar);
        var packed = PackedWeights.FromSigns(b, n, n, n);
        var hbWeights = HadamardWeights.FromReal(b, n, n, options.ChunkLength);
        var hbScales = HadamardScales.ChunkMeans(a, n, n, options.ChunkLength);
        var counts = new int[n * n];
        int all = options.Threads;
        packed.Prepare(options.Isa);
        hbWeights.Packed.Prepare(options.Isa);

        var contenders = new List<(string Name, int Threads, Action Run)>
        {
            ("binary", 1, () => BinaryGemm.Multiply(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, 1))),
            ("openblas-sgemm", 1, () => Sgemm(a, b, c, n, 1)),
            ("xhbnn", 1, () => HadamardGemm.Multiply(bits, hbScales, hbWeights, ActivationCoding.Bipolar, c, new KernelOptions(options.Isa, 1))),
        };
        if (all > 1)
        {
            contenders.Add(("binary", all, () => BinaryGemm.Multiply(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, all))));
            contenders.Add(("openblas-sgemm", all, () => Sgemm(a, b, c, n, all)));
            contenders.Add(("xhbnn", all, () => HadamardGemm.Multiply(bits, hbScales, hbWeights, ActivationCoding.Bipolar, c, new KernelOptions(options.Isa, all))));
        }
        if (n <= options.MaxNaiveSize) contenders.Add(("float-triple-loop", 1, () => FloatTripleLoop.Multiply(a, b, c, n, n, n)));
        return Interleave($"{n}x{n}x{n}", n, n, n, contenders);
    }

    private IEnumerable<GemmTiming> MeasureGemv(int n)
    {
        var rng = new SplitMix64(options.Seed + 1000 + (ulong)n);
        var x = RandomFloats(n, rng);
        var w = RandomFloats(n * n, rng);
        var y = new float[n];
        var bits = BitMatrix.FromSigns(x, 1, n, ActivationCoding.Bipolar);
        var packed = PackedWeights.FromSigns(w, n, n, n);
        var counts = new int[n];
        packed.Prepare(options.Isa);
        var contenders = new List<(string Name, int Threads, Action Run)>
        {
            ("binary", 1, () => BinaryGemm.MultiplyVector(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, 1))),
            ("openblas-sgemv", 1, () => Sgemv(w, x, y, n, 1)),
        };
        if (options.Threads > 1)
        {
            int all = options.Threads;
            contenders.Add(("binary", all, () => BinaryGemm.MultiplyVector(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, all))));
            contenders.Add(("openblas-sgemv", all, () => Sgemv(w, x, y, n, all)));
        }
        return Interleave($"1x{n}x{n}", 1, n, n, contenders);
    }

    private static void Sgemm(float[] a, float[] bTransposed, float[] c, int n, int threads)
    {
        OpenBlas.Threads = threads;
        OpenBlas.Sgemm(false, true, n, n, n, 1, a, bTransposed, 0, c);
    }

    private static void Sgemv(float[] w, float[] x, float[] y, int n, int threads)
    {
        OpenBlas.Threads = threads;
        OpenBlas.Sgemv(false, n, n, 1, w, x, 0, y);
    }

    private IEnumerable<GemmTiming> Interleave(string shape, int m, int n, int k, List<(string Name, int Threads, Action Run)> contenders)
    {
        // Warm up (JIT, weight layouts, OpenBLAS buffers), and size each sample to at least 20 ms.
        var repeats = new int[contenders.Count];
        for (int i = 0; i < contenders.Count; i++)
        {
            _cancel.ThrowIfCancellationRequested();
            contenders[i].Run();
            double once = Time(contenders[i].Run, 1);
            repeats[i] = (int)Math.Clamp(Math.Ceiling(0.02 / Math.Max(once, 1e-9)), 1, 100_000);
        }
        int rounds = k >= 2048 ? 3 : 5;
        var samples = contenders.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            _cancel.ThrowIfCancellationRequested();
            for (int i = 0; i < contenders.Count; i++) samples[i].Add(Time(contenders[i].Run, repeats[i]) / repeats[i]);
        }
        for (int i = 0; i < contenders.Count; i++)
        {
            double median = Median(samples[i]);
            yield return new GemmTiming(shape, m, n, k, contenders[i].Name, contenders[i].Threads, median, (double)m * n * k / median / 1e9);
        }
    }

    private static double Time(Action run, int repeats)
    {
        var watch = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++) run();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static float[] RandomFloats(int count, SplitMix64 rng)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)rng.NextGaussian();
        return values;
    }
}
