using System.CommandLine;
using System.Globalization;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Kernels;
using HwFlow.Training.Experiments;
using HwFlow.Training.Native;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow bench gemm`: the packed binary kernels against OpenBLAS and a plain float loop, as ratios.</summary>
public static class BenchCommand
{
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
        var output = new OutputFolderOptions("Folder for gemm.csv and the PNG plots", BenchGemmRequest.DefaultOutput);
        var report = new ReportOptions();
        var command = new Command("gemm", "Packed XNOR/AND-popcount GEMM and GEMV vs OpenBLAS sgemm/sgemv and a float triple loop")
        {
            maxSize, minSize, maxNaive, chunk, threads, isa, rounds,
        };
        output.AddTo(command);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            KernelIsa? level = parse.GetValue(isa) switch
            {
                null => null,
                "avx512-popcount" => KernelIsa.Avx512Popcount,
                "avx512" => KernelIsa.Avx512,
                "avx2" => KernelIsa.Avx2,
                "scalar" => KernelIsa.Scalar,
                var other => throw new UserError($"--isa must be avx512-popcount, avx512, avx2 or scalar, got '{other}'"),
            };
            var options = new GemmComparison.Options(parse.GetValue(minSize), parse.GetValue(maxSize), parse.GetValue(maxNaive), parse.GetValue(chunk),
                parse.GetValue(threads), Seed: 1, level, parse.GetValue(rounds));
            var request = new BenchGemmRequest(options, output.Read(parse), OpenBlasPeer.SelfCommand("bench", PeerCommand));
            var printer = report.Read(parse, request.Inputs);
            printer.Report(Steps.BenchGemm(request, ConsoleProgress.Instance, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(BenchGemmResult r)
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
