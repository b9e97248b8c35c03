using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow cosim BUILD`: the C# simulator and Verilator on the same stimulus, every output transaction and its cycle compared.</summary>
public static class CosimCommand
{
    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var dataset = new DatasetOptions(defaultDataset: "fashion-mnist");
        var stall = new Option<double>("--stall-prob") { Description = "Probability of an s_axis_tvalid gap and of m_axis_tready low in each cycle", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the gap/backpressure generator (the Verilator harness reproduces it)", DefaultValueFactory = _ => 1UL };
        var lanes = LaneOption.Create();
        var report = new ReportOptions();
        var command = new Command("cosim", "Co-simulate a build in the C# simulator and Verilator, cycle by cycle") { build, stall, seed, lanes };
        dataset.AddTo(command);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new CosimulateRequest(parse.GetValue(build)!, dataset.Read(parse), parse.GetValue(stall), parse.GetValue(seed)) { Lanes = parse.GetValue(lanes) };
            var output = report.Read(parse, request.Inputs);
            var result = Steps.Cosimulate(request, ConsoleProgress.Instance, cancel);
            output.Report(result, Print);
            if (!result.Passed && result.Diagnosis is not null) Output.Note($"hwflow: {result.Diagnosis}");
            return result.Passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static void Print(CosimulateResult r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] ({r.Build}): {r.Count:N0} frames of {r.Dataset}, stall probability {r.StallProbability}, seed {r.Seed}");
        if (r.Streams > 1)
            AnsiConsole.MarkupLineInterpolated($"  as {r.Streams} streams of consecutive frames with the same seeded stalls: the C# simulator runs them at once in SIMD lanes, Verilator one process per stream");
        if (r.Agree) AnsiConsole.MarkupLineInterpolated($"  [green]bit- and cycle-exact[/]: {r.Transactions:N0} output transactions over {r.Cycles:N0} cycles ({r.Status})");
        else AnsiConsole.MarkupLineInterpolated($"  [red]MISMATCH[/] {r.Mismatch}");
        AnsiConsole.MarkupLineInterpolated($"  golden kernel {r.GoldenCheck}");
        AnsiConsole.MarkupLineInterpolated($"  C# simulator {r.CSharpSeconds:F2} s, Verilator {r.VerilatorSeconds:F2} s (model {(r.VerilatorModelCached ? "from cache" : "built now")})");
    }
}
