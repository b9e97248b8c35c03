using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.Errors;
using HwFlow.Sim;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow cosim BUILD`: the C# simulator and Verilator on the same stimulus, every output transaction and its cycle compared.</summary>
public static class CosimCommand
{
    public sealed record Result(string Build, string Model, string Dataset, int Count, double StallProbability, ulong Seed, bool Agree,
        string? Mismatch, int Transactions, long Cycles, string Status, double CSharpSeconds, double VerilatorSeconds, bool VerilatorModelCached,
        string GoldenCheck, int GoldenMismatches);

    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var dataset = DatasetOptions.Dataset();
        dataset.Required = false;
        dataset.DefaultValueFactory = _ => "fashion-mnist";
        var split = DatasetOptions.Split("test");
        var count = DatasetOptions.Count();
        var stall = new Option<double>("--stall-prob") { Description = "Probability of an s_axis_tvalid gap and of m_axis_tready low in each cycle", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the gap/backpressure generator (the Verilator harness reproduces it)", DefaultValueFactory = _ => 1UL };
        var json = Output.JsonOption();
        var command = new Command("cosim", "Co-simulate a build in the C# simulator and Verilator, cycle by cycle") { build, dataset, split, count, stall, seed, json };
        CommandAction.Set(command, (parse, cancel) =>
        {
            double p = parse.GetValue(stall);
            if (!(p >= 0 && p < 1)) throw new UserError($"--stall-prob must be in [0, 1), got {p}");
            var folder = BuildFolder.Open(parse.GetValue(build)!);
            var data = DatasetOptions.Load(parse, dataset, split, count);
            if (data.Features != folder.Manifest.InputBytes)
                throw new UserError($"dataset {data.Name} has {data.Features} bytes per image, but build {folder.Path} takes {folder.Manifest.InputBytes} input bytes per frame");
            var frames = Enumerable.Range(0, data.Count).Select(i => data.Image(i).ToArray()).ToList();
            var model = folder.StreamModel(cancel);
            var stimulus = new StreamStimulus
            {
                Frames = frames, Seed = parse.GetValue(seed), InputGapProbability = p, OutputStallProbability = p,
                DeadlockCycles = Math.Max(100_000, 20 * Math.Max(folder.Manifest.LatencyCycles, folder.Manifest.CyclesPerFrame)),
            };
            var cosim = Cosimulation.Stream(Simulator.Create(folder.Design), model, stimulus, cancel: cancel);
            var trace = cosim.Trace!;
            var golden = GoldenCheck.Compare(folder, frames, [.. trace.Outputs.Select(o => o.Data)]);
            int goldenMismatches = golden.Mismatches;
            var result = new Result(folder.Path, folder.Manifest.Model, data.Name, frames.Count, p, stimulus.Seed, cosim.Agree, cosim.Mismatch?.Message,
                trace.Outputs.Count, trace.Cycles, trace.Status.ToString().ToLowerInvariant(), cosim.CSharp.Wall.TotalSeconds, cosim.Verilator.Wall.TotalSeconds,
                model.FromCache, golden.Summary,
                goldenMismatches);
            Output.From(parse, json).Report(result, Print);
            bool passed = cosim.Agree && trace.Status == StreamStatus.Completed && goldenMismatches == 0;
            if (!passed && trace.Diagnosis is not null) Output.Note($"hwflow: {trace.Diagnosis}");
            return passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static void Print(Result r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] ({r.Build}): {r.Count:N0} frames of {r.Dataset}, stall probability {r.StallProbability}, seed {r.Seed}");
        if (r.Agree) AnsiConsole.MarkupLineInterpolated($"  [green]bit- and cycle-exact[/]: {r.Transactions:N0} output transactions over {r.Cycles:N0} cycles ({r.Status})");
        else AnsiConsole.MarkupLineInterpolated($"  [red]MISMATCH[/] {r.Mismatch}");
        AnsiConsole.MarkupLineInterpolated($"  golden kernel {r.GoldenCheck}");
        AnsiConsole.MarkupLineInterpolated($"  C# simulator {r.CSharpSeconds:F2} s, Verilator {r.VerilatorSeconds:F2} s (model {(r.VerilatorModelCached ? "from cache" : "built now")})");
    }
}
