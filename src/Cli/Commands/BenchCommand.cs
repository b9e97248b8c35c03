using System.CommandLine;
using System.Globalization;
using System.Text;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Plots;
using HwFlow.Training.Experiments;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Kernels;
using HwFlow.Training.Native;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow bench gemm`: the packed binary kernels against OpenBLAS and a plain float loop, as ratios.</summary>
public static class BenchCommand
{
    public sealed record Ratio(string Shape, string Kernel, string Peer, int Threads, double Times);

    /// <param name="OpenBlasCore">The kernel set the measured OpenBLAS ran (in the peer process, without <paramref name="UnsetForPeer"/>).</param>
    /// <param name="OpenBlasDefaultCore">The kernel set this process's OpenBLAS runs under the environment as it is (the correctness reference).</param>
    public sealed record Machine(string Cpu, int Cores, string KernelIsa, string OpenBlas, string OpenBlasCore, string OpenBlasDefaultCore,
        IReadOnlyList<string> UnsetForPeer, string LoadBefore, string LoadAfter);

    /// <param name="PeakBefore">One core's popcount peak measured just before the products (null where VPOPCNTQ kernels cannot run).</param>
    /// <param name="PercentOfPeak">The 1-thread binary GEMM at the largest size (bit-products per second of CPU time), as a percentage of the better of the two peak measurements.</param>
    public sealed record GemmResult(string Folder, Machine Machine, int ChunkLength, IReadOnlyList<GemmTiming> Timings, IReadOnlyList<Ratio> Ratios,
        IReadOnlyList<PeerCheck> PeerChecks, PopcountPeak? PeakBefore, PopcountPeak? PeakAfter, double? PercentOfPeak);

    /// <summary>The hidden subcommand the peer process runs.</summary>
    public const string PeerCommand = "openblas-peer";

    public static Command Create()
    {
        var command = new Command("bench", "Measure speed against peers in the same run, as ratios");
        command.Subcommands.Add(Gemm());
        command.Subcommands.Add(BenchSimCommand.Create());
        command.Subcommands.Add(Peer());
        return command;
    }

    /// <summary>`hwflow bench openblas-peer` (hidden): serves OpenBLAS products to `bench gemm` over stdin/stdout.</summary>
    private static Command Peer()
    {
        var command = new Command(PeerCommand, "Serve OpenBLAS products to bench gemm (internal)") { Hidden = true };
        CommandAction.Set(command, (_, _) =>
        {
            OpenBlasPeerServer.Serve(Console.In, Console.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Gemm()
    {
        var maxSize = new Option<int>("--max-size") { Description = "Largest n (square n x n x n GEMM and 1 x n x n GEMV; powers of two from --min-size)", DefaultValueFactory = _ => 4096 };
        var minSize = new Option<int>("--min-size") { Description = "Smallest n", DefaultValueFactory = _ => 64 };
        var maxNaive = new Option<int>("--max-naive") { Description = "Largest n for the plain float triple loop (slow: about 1 s at 1024)", DefaultValueFactory = _ => 1024 };
        var chunk = new Option<int>("--chunk") { Description = "Chunk length k (binAggression) of the fused Hadamard GEMM (xHBNN)", DefaultValueFactory = _ => 64 };
        var threads = new Option<int>("--threads") { Description = "Threads for the multi-threaded runs (default: one per core)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var isa = new Option<string?>("--isa") { Description = "Force the packed kernels' level: avx512-popcount, avx512, avx2 or scalar (default: the best this CPU has)" };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds per shape (each runs every contender once; the median is kept)", DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--output", "-o") { Description = "Folder for gemm.csv and the PNG plots", DefaultValueFactory = _ => "out/bench-gemm" };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var json = Output.JsonOption();
        var command = new Command("gemm", "Packed XNOR/AND-popcount GEMM and GEMV vs OpenBLAS sgemm/sgemv and a float triple loop")
        {
            maxSize, minSize, maxNaive, chunk, threads, isa, rounds, output, force, json,
        };
        CommandAction.Set(command, (parse, _) =>
        {
            int max = parse.GetValue(maxSize), min = parse.GetValue(minSize), k = parse.GetValue(chunk), t = parse.GetValue(threads);
            if (min < 1 || (min & (min - 1)) != 0) throw new UserError($"--min-size must be a power of two, got {min}");
            if (max < min || max > 16384) throw new UserError($"--max-size must be between --min-size ({min}) and 16384, got {max}");
            if (k < 1) throw new UserError($"--chunk must be at least 1, got {k}");
            if (t < 1) throw new UserError($"--threads must be at least 1, got {t}");
            int roundCount = parse.GetValue(rounds);
            if (roundCount < 1) throw new UserError($"--rounds must be at least 1, got {roundCount}");
            KernelIsa? level = parse.GetValue(isa) switch
            {
                null => null,
                "avx512-popcount" => KernelIsa.Avx512Popcount,
                "avx512" => KernelIsa.Avx512,
                "avx2" => KernelIsa.Avx2,
                "scalar" => KernelIsa.Scalar,
                var other => throw new UserError($"--isa must be avx512-popcount, avx512, avx2 or scalar, got '{other}'"),
            };
            OpenBlas.EnsureAvailable();
            string loadBefore = LoadAverage();
            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            using var peer = OpenBlasPeer.Start(OpenBlasPeer.SelfCommand("bench", PeerCommand));
            var comparison = new GemmComparison(new GemmComparison.Options(min, max, parse.GetValue(maxNaive), k, t, Seed: 1, level, roundCount), peer);
            bool peak = KernelCpu.Best == KernelIsa.Avx512Popcount;
            var peakBefore = peak ? PopcountPeak.Measure() : null;
            var timings = ProgressDisplay.Run("bench gemm", comparison.Sizes().Count, progress => comparison.Run(progress));
            var peakAfter = peak ? PopcountPeak.Measure() : null;
            var machine = new Machine(CpuName(), Environment.ProcessorCount, KernelCpu.Resolve(level).ToString(), peer.Config, peer.CoreName, OpenBlas.CoreName,
                [.. OpenBlasPeer.KernelVariables.Where(v => Environment.GetEnvironmentVariable(v) is not null)], loadBefore, LoadAverage());
            File.WriteAllText(staged.File("gemm.csv"), Csv(timings));
            GemmPlot.SaveCmma(timings, staged.File("cmma-vs-xhbnn.png"));
            GemmPlot.SaveOpenBlas(timings, staged.File("openblas-vs-xhbnn.png"), t, peer.CoreName);
            staged.Commit();
            Output.From(parse, json).Report(new GemmResult(staged.Target, machine, k, timings, Ratios(timings), comparison.Checks, peakBefore, peakAfter,
                PercentOfPeak(timings, peakBefore, peakAfter)), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Peer time / kernel time at each shape and thread count (above 1 = the kernel is faster).</summary>
    public static List<Ratio> Ratios(IReadOnlyList<GemmTiming> timings)
    {
        var ratios = new List<Ratio>();
        foreach (var shape in timings.GroupBy(x => x.Shape))
        {
            foreach (var kernel in shape.Where(x => x.Contender is "binary" or "xhbnn"))
            {
                foreach (var peer in shape.Where(x => x.Contender.StartsWith("openblas", StringComparison.Ordinal) && x.Threads == kernel.Threads))
                    ratios.Add(new Ratio(shape.Key, kernel.Contender, peer.Contender, kernel.Threads, peer.Seconds / kernel.Seconds));
                foreach (var loop in shape.Where(x => x.Contender == "float-triple-loop" && kernel.Threads == 1))
                    ratios.Add(new Ratio(shape.Key, kernel.Contender, loop.Contender, 1, loop.Seconds / kernel.Seconds));
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

    private static void Print(GemmResult r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Machine.Cpu}[/], {r.Machine.Cores} cores, kernels at {r.Machine.KernelIsa}; load {r.Machine.LoadBefore} before, {r.Machine.LoadAfter} after");
        string unset = r.Machine.UnsetForPeer.Count == 0 ? "" : $" (run without {string.Join(" and ", r.Machine.UnsetForPeer)})";
        AnsiConsole.MarkupLineInterpolated($"OpenBLAS peer: [bold]{r.Machine.OpenBlasCore}[/] kernels{unset}");
        AnsiConsole.MarkupLineInterpolated($"its results match this process's {r.Machine.OpenBlasDefaultCore} kernels on every shape (worst error {r.PeerChecks.Select(c => c.WorstErrorOverBound).DefaultIfEmpty().Max():G2} of the rounding bound)");
        var times = new Table().Border(TableBorder.Rounded).AddColumns("shape", "contender", "threads", "time", "CPU time", "G ops/s");
        foreach (var x in r.Timings)
            times.AddRow(x.Shape, x.Contender, x.Threads.ToString(CultureInfo.InvariantCulture), Seconds(x.Seconds), Seconds(x.CpuSeconds), x.GigaOpsPerSecond.ToString("N1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(times);
        var ratios = new Table().Border(TableBorder.Rounded).AddColumns("shape", "kernel", "vs peer", "threads", "peer time / kernel time");
        foreach (var x in r.Ratios)
            ratios.AddRow(x.Shape, x.Kernel == "xhbnn" ? $"xhbnn (k={r.ChunkLength})" : x.Kernel, x.Peer, x.Threads.ToString(CultureInfo.InvariantCulture), x.Times.ToString("N1", CultureInfo.InvariantCulture) + "x");
        AnsiConsole.Write(ratios);
        if (r.PeakBefore is { } before && r.PeakAfter is { } after)
        {
            AnsiConsole.MarkupLineInterpolated($"popcount peak (one core, XOR + VPOPCNTQ + VPADDQ): {before.BitProductsPerCycle:N0} / {after.BitProductsPerCycle:N0} bit-products per cycle at {before.Ghz:N2} / {after.Ghz:N2} GHz (before / after)");
            AnsiConsole.MarkupLineInterpolated($"binary GEMM, 1 thread, largest size, by CPU time: [bold]{r.PercentOfPeak:N0}%[/] of that peak");
        }
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}/gemm.csv, cmma-vs-xhbnn.png and openblas-vs-xhbnn.png");
    }

    private static string Seconds(double s) => s switch
    {
        < 1e-3 => (s * 1e6).ToString("N1", CultureInfo.InvariantCulture) + " us",
        < 1 => (s * 1e3).ToString("N2", CultureInfo.InvariantCulture) + " ms",
        _ => s.ToString("N3", CultureInfo.InvariantCulture) + " s",
    };
}
