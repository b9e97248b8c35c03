using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.Errors;
using HwFlow.Sim;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Sim.Streams;
using System.Numerics;
using HwFlow.Sim.Netlists;
using HwFlow.Sim.Verilator;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow cosim BUILD`: the C# simulator and Verilator on the same stimulus, every output transaction and its cycle compared.</summary>
public static class CosimCommand
{
    /// <param name="Streams">Streams the frames were split into: one per SIMD lane of the C# simulator, each run by Verilator on its own (1: one stream of all frames).</param>
    /// <param name="Cycles">Cycles simulated, summed over the streams.</param>
    /// <param name="CSharpSeconds">Wall time of the C# simulation loop (all lanes at once).</param>
    /// <param name="VerilatorSeconds">Wall time of the Verilator loops, summed over the streams.</param>
    public sealed record Result(string Build, string Model, string Dataset, int Count, double StallProbability, ulong Seed, int Streams, bool Agree,
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
        var lanes = LaneOption.Create();
        var json = Output.JsonOption();
        var command = new Command("cosim", "Co-simulate a build in the C# simulator and Verilator, cycle by cycle") { build, dataset, split, count, stall, seed, lanes, json };
        CommandAction.Set(command, (parse, cancel) =>
        {
            double p = parse.GetValue(stall);
            if (!(p >= 0 && p < 1)) throw new UserError($"--stall-prob must be in [0, 1), got {p}");
            int laneCount = LaneOption.Resolve(parse.GetValue(lanes));
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
            var laneSplit = laneCount > 1 ? LaneSplit.TryCreate(frames, Simulator.LaneCount) : null;
            var result = laneSplit is null ? OneStream(folder, model, stimulus, data.Name, cancel) : Lanes(folder, model, stimulus, laneSplit, data.Name, cancel);
            Output.From(parse, json).Report(result.Result, Print);
            bool passed = result.Result.Agree && result.Result.Status == "completed" && result.Result.GoldenMismatches == 0;
            if (!passed && result.Diagnosis is not null) Output.Note($"hwflow: {result.Diagnosis}");
            return passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static (Result Result, string? Diagnosis) OneStream(BuildFolder folder, VerilatorModel model, StreamStimulus stimulus, string dataset, CancellationToken cancel)
    {
        var cosim = Cosimulation.Stream(Simulator.Create(folder.Design), model, stimulus, cancel: cancel);
        var trace = cosim.Trace!;
        var golden = GoldenCheck.Compare(folder, stimulus.Frames, [.. trace.Outputs.Select(o => o.Data)]);
        return (new Result(folder.Path, folder.Manifest.Model, dataset, stimulus.Frames.Count, stimulus.OutputStallProbability, stimulus.Seed, 1, cosim.Agree,
            cosim.Mismatch?.Message, trace.Outputs.Count, trace.Cycles, trace.Status.ToString().ToLowerInvariant(), cosim.CSharp.Wall.TotalSeconds,
            cosim.Verilator.Wall.TotalSeconds, model.FromCache, golden.Summary, golden.Mismatches), trace.Diagnosis);
    }

    /// <summary>One stream per SIMD lane: the C# simulator runs them at once, Verilator as separate processes, one per core at a time.</summary>
    private static (Result Result, string? Diagnosis) Lanes(BuildFolder folder, VerilatorModel model, StreamStimulus stimulus, LaneSplit split, string dataset, CancellationToken cancel)
    {
        var sim = Simulator.CreateLanes(Netlist.Of(folder.Design), [StreamPorts.InputData]);
        if (!new StreamDriver(sim).SharesTiming)
        {
            Output.Note($"hwflow: the handshake of {folder.Path} depends on the input data, so its frames run as one stream");
            return OneStream(folder, model, stimulus, dataset, cancel);
        }
        var cosim = Cosimulation.Lanes(sim, model, stimulus with { Frames = split.Lanes[0] }, split.Lanes, concurrent: true,
            verilatorProcesses: Environment.ProcessorCount, cancel: cancel);
        var traces = cosim.Lanes.Select(l => l.Trace!).ToList();
        var results = split.Gather([.. traces.Select(t => (IReadOnlyList<BigInteger>)[.. t.Outputs.Select(o => o.Data)])]);
        var golden = GoldenCheck.Compare(folder, stimulus.Frames, results);
        var unfinished = traces.FirstOrDefault(t => t.Status != StreamStatus.Completed);
        return (new Result(folder.Path, folder.Manifest.Model, dataset, stimulus.Frames.Count, stimulus.OutputStallProbability, stimulus.Seed, split.Lanes.Count,
            cosim.Agree, cosim.Mismatch, results.Count, traces.Sum(t => t.Cycles), (unfinished ?? traces[0]).Status.ToString().ToLowerInvariant(),
            cosim.CSharp.Wall.TotalSeconds, cosim.Verilator.Wall.TotalSeconds, model.FromCache, golden.Summary, golden.Mismatches), unfinished?.Diagnosis);
    }

    private static void Print(Result r)
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
