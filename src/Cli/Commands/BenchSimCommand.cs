using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Flow;
using HwFlow.Sim.Bench;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow bench sim BUILD`: C# simulator vs Verilator cycles/s on the same stimulus, in one run (a subcommand of `bench`).</summary>
public static class BenchSimCommand
{
    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var count = new Option<int>("--count") { Description = "Fashion-MNIST test images to stream (split into one stream per SIMD lane)", DefaultValueFactory = _ => 1000 };
        var repeats = new Option<int>("--repeats") { Description = "Rounds per engine (each keeps its best, to filter out other jobs' noise)", DefaultValueFactory = _ => 3 };
        var report = new ReportOptions();
        var command = new Command("sim", "C# cycle-accurate simulator vs the Verilator model: cycles/s and their ratio") { build, count, repeats };
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new BenchSimRequest(parse.GetValue(build)!, parse.GetValue(count), parse.GetValue(repeats));
            var output = report.Read(parse, request.Inputs);
            var result = Steps.BenchSim(request, cancel);
            output.Report(result, Print);
            return result.Agree ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static void Print(SimBenchResult r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Design}[/]: {r.Cells:N0} cells ({r.EvaluatedCells:N0} evaluated), {r.Frames:N0} frames as {r.Lanes} streams of {r.FramesPerStream:N0} (one per SIMD lane, one stimulus timing), {r.Cycles:N0} cycles in all, best of {r.Repeats} rounds");
        AnsiConsole.MarkupLineInterpolated($"  Verilator built with {r.VerilatorFlags}; it runs the {r.Lanes} streams one after another");
        var table = new Table().AddColumns("engine", "M cycles/s (CPU time)", "M cycles/s (wall)", "vs Verilator (CPU)");
        foreach (var e in new[] { r.CSharp, r.CSharpOneLane, r.Verilator })
            table.AddRow(e.Engine, (e.CyclesPerSecond / 1e6).ToString("F3"), (e.WallCyclesPerSecond / 1e6).ToString("F3"),
                (e.CyclesPerSecond / r.Verilator.CyclesPerSecond).ToString("F2") + "x");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"  C#/Verilator: {r.Ratio:F2}x (CPU), {r.WallRatio:F2}x (wall) with {r.Lanes} lanes, {r.OneLaneRatio:F2}x with one; transcripts {(r.Agree ? "identical" : "DIFFER: " + r.Mismatch)}");
    }
}
