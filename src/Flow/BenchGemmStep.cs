using System.Globalization;
using System.Text;
using HwFlow.Flow.Plots;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Kernels;
using HwFlow.Training.Experiments;
using HwFlow.Training.Native;

namespace HwFlow.Flow;

/// <param name="PeerCommand">Starts the OpenBLAS peer process (a program serving <see cref="OpenBlasPeerServer"/>; the CLI runs itself as `hwflow bench openblas-peer`).</param>
public sealed record BenchGemmRequest(GemmComparison.Options Options, OutputFolder Output, IReadOnlyList<string> PeerCommand) : IFlowRequest
{
    public const string DefaultOutput = "out/bench-gemm";

    public IReadOnlyList<string> Inputs => [];
}

public sealed record GemmRatio(string Shape, string Kernel, string Peer, int Threads, double Times);

/// <param name="OpenBlasCore">The kernel set the measured OpenBLAS ran (in the peer process, without <paramref name="UnsetForPeer"/>).</param>
/// <param name="OpenBlasDefaultCore">The kernel set this process's OpenBLAS runs under the environment as it is (the correctness reference).</param>
public sealed record GemmMachine(string Cpu, int Cores, string KernelIsa, string OpenBlas, string OpenBlasCore, string OpenBlasDefaultCore,
    IReadOnlyList<string> UnsetForPeer, string LoadBefore, string LoadAfter);

/// <param name="PeakBefore">One core's popcount peak measured just before the products (null where VPOPCNTQ kernels cannot run).</param>
/// <param name="PercentOfPeak">The 1-thread binary GEMM at the largest size (bit-products per second of CPU time), as a percentage of the better of the two peak measurements.</param>
public sealed record BenchGemmResult(string Folder, GemmMachine Machine, int ChunkLength, IReadOnlyList<GemmTiming> Timings, IReadOnlyList<GemmRatio> Ratios,
    IReadOnlyList<PeerCheck> PeerChecks, PopcountPeak? PeakBefore, PopcountPeak? PeakAfter, double? PercentOfPeak);

/// <summary>`hwflow bench gemm`: the packed binary kernels against OpenBLAS and a plain float loop, interleaved in one run; CSV, plots and ratios.</summary>
internal static class BenchGemmStep
{
    public static BenchGemmResult Run(BenchGemmRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var o = request.Options;
        if (o.MinSize < 1 || (o.MinSize & (o.MinSize - 1)) != 0) throw new UserError($"--min-size must be a power of two, got {o.MinSize}");
        if (o.MaxSize < o.MinSize || o.MaxSize > 16384) throw new UserError($"--max-size must be between --min-size ({o.MinSize}) and 16384, got {o.MaxSize}");
        if (o.ChunkLength < 1) throw new UserError($"--chunk must be at least 1, got {o.ChunkLength}");
        if (o.Threads < 1) throw new UserError($"--threads must be at least 1, got {o.Threads}");
        if (o.Rounds < 1) throw new UserError($"--rounds must be at least 1, got {o.Rounds}");
        OpenBlas.EnsureAvailable();
        string loadBefore = LoadAverage();
        using var staged = StagedFolder.Begin(request.Output, "bench gemm", request.Inputs);
        using var peer = OpenBlasPeer.Start(request.PeerCommand);
        var comparison = new GemmComparison(o, peer);
        bool peak = KernelCpu.Best == KernelIsa.Avx512Popcount;
        var peakBefore = peak ? PopcountPeak.Measure() : null;
        var timings = progress.Track("bench gemm", comparison.Sizes().Count, report => comparison.Run(report, cancel));
        var peakAfter = peak ? PopcountPeak.Measure() : null;
        var machine = new GemmMachine(CpuName(), Environment.ProcessorCount, KernelCpu.Resolve(o.Isa).ToString(), peer.Config, peer.CoreName, OpenBlas.CoreName,
            [.. OpenBlasPeer.KernelVariables.Where(v => Environment.GetEnvironmentVariable(v) is not null)], loadBefore, LoadAverage());
        File.WriteAllText(staged.File("gemm.csv"), Csv(timings));
        GemmPlot.SaveCmma(timings, staged.File("cmma-vs-xhbnn.png"));
        GemmPlot.SaveOpenBlas(timings, staged.File("openblas-vs-xhbnn.png"), o.Threads, peer.CoreName);
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        return new BenchGemmResult(staged.Target, machine, o.ChunkLength, timings, Ratios(timings), comparison.Checks, peakBefore, peakAfter,
            PercentOfPeak(timings, peakBefore, peakAfter));
    }

    /// <summary>Peer time / kernel time at each shape and thread count (above 1 = the kernel is faster).</summary>
    public static List<GemmRatio> Ratios(IReadOnlyList<GemmTiming> timings)
    {
        var ratios = new List<GemmRatio>();
        foreach (var shape in timings.GroupBy(x => x.Shape))
        {
            foreach (var kernel in shape.Where(x => x.Contender is "binary" or "xhbnn"))
            {
                foreach (var peer in shape.Where(x => x.Contender.StartsWith("openblas", StringComparison.Ordinal) && x.Threads == kernel.Threads))
                    ratios.Add(new GemmRatio(shape.Key, kernel.Contender, peer.Contender, kernel.Threads, peer.Seconds / kernel.Seconds));
                foreach (var loop in shape.Where(x => x.Contender == "float-triple-loop" && kernel.Threads == 1))
                    ratios.Add(new GemmRatio(shape.Key, kernel.Contender, loop.Contender, 1, loop.Seconds / kernel.Seconds));
            }
        }
        return ratios;
    }

    /// <summary>
    /// The 1-thread binary GEMM at the largest square size, by CPU time (what a shared machine left it;
    /// the peak's fastest burst likewise is one the machine did not slow), against the better peak.
    /// </summary>
    public static double? PercentOfPeak(IReadOnlyList<GemmTiming> timings, PopcountPeak? before, PopcountPeak? after)
    {
        if (before is null || after is null) return null;
        var largest = timings.Where(x => x.M == x.N && x.Contender == "binary" && x.Threads == 1).MaxBy(x => x.M);
        if (largest is null) return null;
        double peak = Math.Max(before.BitProductsPerSecond, after.BitProductsPerSecond);
        return 100 * ((double)largest.M * largest.N * largest.K / largest.CpuSeconds) / peak;
    }

    private static string Csv(IReadOnlyList<GemmTiming> timings)
    {
        var csv = new StringBuilder("shape,m,n,k,contender,threads,seconds,gops,cpu_seconds\n");
        foreach (var x in timings)
            csv.Append(CultureInfo.InvariantCulture, $"{x.Shape},{x.M},{x.N},{x.K},{x.Contender},{x.Threads},{x.Seconds:R},{x.GigaOpsPerSecond:R},{x.CpuSeconds:R}\n");
        return csv.ToString();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuName()
    {
        if (!File.Exists("/proc/cpuinfo")) return "unknown";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? "unknown";
    }
}
