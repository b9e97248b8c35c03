using System.Globalization;
using System.Text;
using HwFlow.Flow.Plots;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Kernels;
using HwFlow.Training.Experiments;
using HwFlow.Training.Native;

namespace HwFlow.Flow;

public sealed record BenchGemmRequest(GemmComparison.Options Options, OutputFolder Output) : IFlowRequest
{
    public const string DefaultOutput = "out/bench-gemm";

    public IReadOnlyList<string> Inputs => [];
}

public sealed record GemmRatio(string Shape, string Kernel, string Peer, int Threads, double Times);

public sealed record GemmMachine(string Cpu, int Cores, string KernelIsa, string OpenBlas, string LoadBefore, string LoadAfter);

public sealed record BenchGemmResult(string Folder, GemmMachine Machine, int ChunkLength, IReadOnlyList<GemmTiming> Timings, IReadOnlyList<GemmRatio> Ratios);

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
        OpenBlas.EnsureAvailable();
        string loadBefore = LoadAverage();
        var comparison = new GemmComparison(o);
        using var staged = StagedFolder.Begin(request.Output, "bench gemm", request.Inputs);
        var timings = progress.Track("bench gemm", comparison.Sizes().Count, report => comparison.Run(report, cancel));
        var machine = new GemmMachine(CpuName(), Environment.ProcessorCount, KernelCpu.Resolve(o.Isa).ToString(), OpenBlas.Config, loadBefore, LoadAverage());
        File.WriteAllText(staged.File("gemm.csv"), Csv(timings));
        GemmPlot.SaveCmma(timings, staged.File("cmma-vs-xhbnn.png"));
        GemmPlot.SaveOpenBlas(timings, staged.File("openblas-vs-xhbnn.png"), o.Threads);
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        return new BenchGemmResult(staged.Target, machine, o.ChunkLength, timings, Ratios(timings));
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

    private static string Csv(IReadOnlyList<GemmTiming> timings)
    {
        var csv = new StringBuilder("shape,m,n,k,contender,threads,seconds,gops\n");
        foreach (var x in timings)
            csv.Append(CultureInfo.InvariantCulture, $"{x.Shape},{x.M},{x.N},{x.K},{x.Contender},{x.Threads},{x.Seconds:R},{x.GigaOpsPerSecond:R}\n");
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
