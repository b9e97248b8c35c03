using System.Diagnostics;
using HwFlow.Runtime.Kernels;
using HwFlow.Training.Native;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Training.Experiments;

/// <summary>
/// One measured contender at one shape: median wall seconds over interleaved rounds, and the median
/// CPU seconds its process spent per call (all threads), which a shared machine inflates less.
/// </summary>
public sealed record GemmTiming(string Shape, int M, int N, int K, string Contender, int Threads, double Seconds, double GigaOpsPerSecond, double CpuSeconds);

/// <summary>
/// The peer's output against the in-process OpenBLAS (the environment's default kernel) on the same
/// inputs: the largest |difference| as a fraction of its rounding bound 2 k eps |a_i| |b_j| (at most 1 passes).
/// </summary>
public sealed record PeerCheck(string Shape, double WorstErrorOverBound);

/// <summary>
/// Times the packed binary kernels against their peers in one process, interleaved: every round
/// runs each contender once, in turn, so a disturbance (other jobs on the machine) hits all of
/// them alike; the median over rounds is kept. Ops are multiply-accumulates (bit products for
/// the binary kernels, float products for the peers). OpenBLAS runs in <paramref name="peer"/>, a child
/// process that picks its fastest kernel; every product it computes is checked against this
/// process's OpenBLAS on the same inputs before it is timed.
/// </summary>
public sealed class GemmComparison(GemmComparison.Options options, OpenBlasPeer peer)
{
    public sealed record Options(int MinSize, int MaxSize, int MaxNaiveSize, int ChunkLength, int Threads, ulong Seed, KernelIsa? Isa = null, int Rounds = 5);

    /// <summary>Matrix sizes measured: powers of two from MinSize to MaxSize.</summary>
    public IReadOnlyList<int> Sizes()
    {
        var sizes = new List<int>();
        for (int n = options.MinSize; n <= options.MaxSize; n *= 2) sizes.Add(n);
        return sizes;
    }

    /// <summary>The peer's results checked so far, one per shape.</summary>
    public List<PeerCheck> Checks { get; } = [];

    private CancellationToken _cancel;

    /// <summary>Measures every size; <paramref name="cancel"/> is checked between timing rounds, so Ctrl-C stops it within one round.</summary>
    public List<GemmTiming> Run(IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        _cancel = cancel;
        OpenBlas.EnsureAvailable();
        Checks.Clear();
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
        hbWeights.Prepare(options.Isa);

        int id = peer.LoadGemm(a, b, n, n, n);
        Check($"{n}x{n}x{n}", id, () => Sgemm(a, b, c, n, all), c, a, b, n, n, n);
        var contenders = new List<(string Name, int Threads, Func<int, (double Wall, double Cpu)> Time)>
        {
            ("binary", 1, Local(() => BinaryGemm.Multiply(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, 1)))),
            ("openblas-sgemm", 1, r => peer.Time(id, 1, r)),
            ("xhbnn", 1, Local(() => HadamardGemm.Multiply(bits, hbScales, hbWeights, ActivationCoding.Bipolar, c, new KernelOptions(options.Isa, 1)))),
        };
        if (all > 1)
        {
            contenders.Add(("binary", all, Local(() => BinaryGemm.Multiply(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, all)))));
            contenders.Add(("openblas-sgemm", all, r => peer.Time(id, all, r)));
            contenders.Add(("xhbnn", all, Local(() => HadamardGemm.Multiply(bits, hbScales, hbWeights, ActivationCoding.Bipolar, c, new KernelOptions(options.Isa, all)))));
        }
        if (n <= options.MaxNaiveSize) contenders.Add(("float-triple-loop", 1, Local(() => FloatTripleLoop.Multiply(a, b, c, n, n, n))));
        var timings = Interleave($"{n}x{n}x{n}", n, n, n, contenders);
        peer.Drop(id);
        return timings;
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
        int all = options.Threads;
        int id = peer.LoadGemv(w, x, n, n);
        Check($"1x{n}x{n}", id, () => Sgemv(w, x, y, n, all), y, x, w, 1, n, n);
        var contenders = new List<(string Name, int Threads, Func<int, (double Wall, double Cpu)> Time)>
        {
            ("binary", 1, Local(() => BinaryGemm.MultiplyVector(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, 1)))),
            ("openblas-sgemv", 1, r => peer.Time(id, 1, r)),
        };
        if (all > 1)
        {
            contenders.Add(("binary", all, Local(() => BinaryGemm.MultiplyVector(bits, packed, ActivationCoding.Bipolar, counts, new KernelOptions(options.Isa, all)))));
            contenders.Add(("openblas-sgemv", all, r => peer.Time(id, all, r)));
        }
        var timings = Interleave($"1x{n}x{n}", 1, n, n, contenders);
        peer.Drop(id);
        return timings;
    }

    /// <summary>
    /// Runs the product in this process (OpenBLAS's default kernel for this environment) and in the
    /// peer (1 thread), and stops the benchmark if any entry differs by more than the rounding bound:
    /// rows of <paramref name="left"/> (m x k) and <paramref name="right"/> (n x k) bound each entry's
    /// error by k eps |row| |row| for each side.
    /// </summary>
    private void Check(string shape, int id, Action runHere, float[] here, float[] left, float[] right, int m, int n, int k)
    {
        runHere();
        var there = peer.Output(id, 1);
        var leftNorms = RowNorms(left, m, k);
        var rightNorms = RowNorms(right, n, k);
        double worst = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double bound = (2.0 * k * UnitRoundoff * leftNorms[i] * rightNorms[j]) + double.Epsilon;
                worst = Math.Max(worst, Math.Abs(here[(i * n) + j] - there[(i * n) + j]) / bound);
            }
        }
        if (!(worst <= 1))
            throw new InvalidOperationException($"OpenBLAS's {peer.CoreName} kernel disagrees with this process's at {shape}: an entry is off by {worst:G3} times the rounding bound");
        Checks.Add(new PeerCheck(shape, worst));
    }

    /// <summary>Float's unit roundoff, 2^-24.</summary>
    private const double UnitRoundoff = 1.0 / (1 << 24);

    private static double[] RowNorms(float[] values, int rows, int columns)
    {
        var norms = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < columns; c++) sum += (double)values[(r * columns) + c] * values[(r * columns) + c];
            norms[r] = Math.Sqrt(sum);
        }
        return norms;
    }

    private static Func<int, (double Wall, double Cpu)> Local(Action run) => repeats => Time(run, repeats);

    private static void Sgemm(float[] a, float[] bTransposed, float[] c, int n, int threads)
    {
        lock (OpenBlas.ThreadCountGate)
        {
            OpenBlas.Threads = threads;
            OpenBlas.Sgemm(false, true, n, n, n, 1, a, bTransposed, 0, c);
        }
    }

    private static void Sgemv(float[] w, float[] x, float[] y, int n, int threads)
    {
        lock (OpenBlas.ThreadCountGate)
        {
            OpenBlas.Threads = threads;
            OpenBlas.Sgemv(false, n, n, 1, w, x, 0, y);
        }
    }

    private List<GemmTiming> Interleave(string shape, int m, int n, int k, List<(string Name, int Threads, Func<int, (double Wall, double Cpu)> Time)> contenders)
    {
        // Warm up (JIT, weight layouts, OpenBLAS buffers), and size each sample to at least 20 ms.
        var repeats = new int[contenders.Count];
        for (int i = 0; i < contenders.Count; i++)
        {
            _cancel.ThrowIfCancellationRequested();
            contenders[i].Time(1);
            double once = contenders[i].Time(1).Wall;
            repeats[i] = (int)Math.Clamp(Math.Ceiling(0.02 / Math.Max(once, 1e-9)), 1, 100_000);
        }
        int rounds = Math.Max(options.Rounds, 1);
        var samples = contenders.Select(_ => new List<double>()).ToArray();
        var cpu = contenders.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            _cancel.ThrowIfCancellationRequested();
            for (int i = 0; i < contenders.Count; i++)
            {
                var (wall, used) = contenders[i].Time(repeats[i]);
                samples[i].Add(wall / repeats[i]);
                cpu[i].Add(used / repeats[i]);
            }
        }
        var timings = new List<GemmTiming>();
        for (int i = 0; i < contenders.Count; i++)
        {
            double median = Median(samples[i]);
            timings.Add(new GemmTiming(shape, m, n, k, contenders[i].Name, contenders[i].Threads, median, (double)m * n * k / median / 1e9, Median(cpu[i])));
        }
        return timings;
    }

    private static (double Wall, double Cpu) Time(Action run, int repeats)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++) run();
        double wall = watch.Elapsed.TotalSeconds;
        self.Refresh();
        return (wall, (self.TotalProcessorTime - cpu).TotalSeconds);
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
