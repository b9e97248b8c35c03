using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.Errors;
using HwFlow.Sim;
using System.Numerics;
using HwFlow.Sim.Bench;
using HwFlow.Sim.Netlists;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Vcd;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow sim BUILD --dataset D --count N`: classify images on the C# cycle-accurate simulator of a build.</summary>
public static class SimCommand
{
    /// <param name="Lanes">Streams simulated at once in SIMD lanes (the frames split between them, one stimulus timing).</param>
    /// <param name="SimulatedCycles">Design cycles simulated, summed over the lanes.</param>
    public sealed record Result(string Build, string Model, string Dataset, int Count, int Correct, double Accuracy,
        double CyclesPerFrame, long PredictedCyclesPerFrame, long MaxLatencyCycles, int Lanes, long SimulatedCycles, double CyclesPerSecond,
        string GoldenCheck, int GoldenMismatches, string? Vcd);

    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var dataset = DatasetOptions.Dataset();
        var split = DatasetOptions.Split("test");
        var count = DatasetOptions.Count();
        var vcd = new Option<string?>("--vcd") { Description = "Write a value change dump (GTKWave) of the run to this file" };
        var signals = new Option<string[]>("--vcd-signals") { Description = "Glob patterns of signals to dump (default: all), e.g. 'm_axis_*' 'layer0.*'", AllowMultipleArgumentsPerToken = true };
        var lanes = LaneOption.Create();
        var json = Output.JsonOption();
        var command = new Command("sim", "Run images through the C# cycle-accurate simulator of a build") { build, dataset, split, count, vcd, signals, lanes, json };
        CommandAction.Set(command, (parse, cancel) =>
        {
            var folder = BuildFolder.Open(parse.GetValue(build)!);
            var data = DatasetOptions.Load(parse, dataset, split, count);
            if (data.Features != folder.Manifest.InputBytes)
                throw new UserError($"dataset {data.Name} has {data.Features} bytes per image, but build {folder.Path} takes {folder.Manifest.InputBytes} input bytes per frame");
            var frames = Enumerable.Range(0, data.Count).Select(i => data.Image(i).ToArray()).ToList();
            string? vcdPath = parse.GetValue(vcd);
            if (vcdPath is not null && parse.GetValue(lanes) is > 1) throw new UserError("--vcd dumps one simulation: use it with --lanes 1 (the default with --vcd)");
            int laneCount = LaneOption.Resolve(parse.GetValue(lanes), defaultOne: vcdPath is not null);
            var result = Run(folder, frames, data.Labels, data.Name, vcdPath, parse.GetValue(signals) ?? [], cancel, laneCount);
            Output.From(parse, json).Report(result, Print);
            return result.GoldenMismatches == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    public static Result Run(BuildFolder folder, IReadOnlyList<byte[]> frames, byte[] labels, string datasetName, string? vcdPath, IReadOnlyList<string> vcdSignals,
        CancellationToken cancel, int lanes = 1)
    {
        var timing = new StreamStimulus { Frames = frames, DeadlockCycles = Math.Max(100_000, 20 * Math.Max(folder.Manifest.LatencyCycles, folder.Manifest.CyclesPerFrame)) };
        var split = lanes > 1 && vcdPath is null ? LaneSplit.TryCreate(frames, Simulator.LaneCount) : null;
        if (split is not null)
        {
            var driver = new StreamDriver(Simulator.CreateLanes(Netlist.Of(folder.Design), [StreamPorts.InputData])) { Cancel = cancel };
            if (!driver.SharesTiming)
            {
                Output.Note($"hwflow: the handshake of {folder.Path} depends on the input data, so its frames run as one stream");
                return Run(folder, frames, labels, datasetName, vcdPath, vcdSignals, cancel, lanes: 1);
            }
            var start = ThreadCpuClock.Now();
            var traces = driver.RunLanes(timing with { Frames = split.Lanes[0] }, split.Lanes);
            var cpu = ThreadCpuClock.Now() - start;
            Completed(folder, traces[0]);
            var results = split.Gather([.. traces.Select(t => (IReadOnlyList<BigInteger>)[.. t.Outputs.Select(o => o.Data)])]);
            return Summarize(folder, frames, labels, datasetName, results, StreamMetrics.Of(traces[0]), split.Lanes.Count, traces[0].Cycles * split.Lanes.Count, cpu, null);
        }
        var single = Simulator.Create(folder.Design, storeAllSignals: vcdPath is not null);
        using var vcd = vcdPath is null ? null : VcdWriter.Create(vcdPath, single, vcdSignals, (int)Math.Max(2, Math.Round(1000 / Math.Max(1, folder.Manifest.ClockMhz))));
        var oneLane = new StreamDriver(single) { OnCycle = vcd is null ? null : _ => vcd.Sample(), Cancel = cancel };
        var began = ThreadCpuClock.Now();
        StreamTrace trace;
        try
        {
            trace = oneLane.Run(timing);
        }
        catch (OperationCanceledException)
        {
            // An interrupted dump is not left behind half-written; a deadlocked run keeps its dump, which is what one debugs it with.
            vcd?.Dispose();
            if (vcdPath is not null) File.Delete(vcdPath);
            throw;
        }
        var used = ThreadCpuClock.Now() - began;
        Completed(folder, trace);
        return Summarize(folder, frames, labels, datasetName, [.. trace.Outputs.Select(o => o.Data)], StreamMetrics.Of(trace), 1, trace.Cycles, used, vcdPath);
    }

    private static void Completed(BuildFolder folder, StreamTrace trace)
    {
        if (trace.Status != StreamStatus.Completed)
            throw new UserError($"the simulation of {folder.Path} did not complete ({trace.Status.ToString().ToLowerInvariant()}): {trace.Diagnosis}");
    }

    private static Result Summarize(BuildFolder folder, IReadOnlyList<byte[]> frames, byte[] labels, string datasetName, IReadOnlyList<BigInteger> results,
        StreamMetrics metrics, int lanes, long cycles, TimeSpan cpu, string? vcdPath)
    {
        int correct = Enumerable.Range(0, Math.Min(frames.Count, results.Count)).Count(i => results[i] == labels[i]);
        var golden = GoldenCheck.Compare(folder, frames, results);
        return new Result(folder.Path, folder.Manifest.Model, datasetName, frames.Count, correct, (double)correct / frames.Count,
            metrics.CyclesPerFrame, folder.Manifest.CyclesPerFrame, metrics.MaxLatencyCycles, lanes, cycles, cycles / cpu.TotalSeconds,
            golden.Summary, golden.Mismatches, vcdPath);
    }

    private static void Print(Result r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] ({r.Build}) on {r.Dataset}, C# cycle-accurate simulator");
        AnsiConsole.MarkupLineInterpolated($"  accuracy         {Units.Percent(r.Accuracy)}  ({r.Correct:N0} of {r.Count:N0})");
        AnsiConsole.MarkupLineInterpolated($"  cycles per frame {r.CyclesPerFrame:F1} measured, {r.PredictedCyclesPerFrame} predicted");
        AnsiConsole.MarkupLineInterpolated($"  latency          {r.MaxLatencyCycles} cycles at most (last input byte to result)");
        AnsiConsole.MarkupLineInterpolated($"  golden kernel    {r.GoldenCheck}");
        string lanes = r.Lanes > 1 ? $" ({r.Lanes} streams at once in SIMD lanes)" : "";
        AnsiConsole.MarkupLineInterpolated($"  simulated        {r.SimulatedCycles:N0} cycles at {r.CyclesPerSecond / 1e6:F2} M cycles/s{lanes}");
        if (r.Vcd is not null) AnsiConsole.MarkupLineInterpolated($"  waveform         {r.Vcd}");
    }
}
