using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.Errors;
using HwFlow.Sim;
using HwFlow.Sim.Bench;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Vcd;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow sim BUILD --dataset D --count N`: classify images on the C# cycle-accurate simulator of a build.</summary>
public static class SimCommand
{
    public sealed record Result(string Build, string Model, string Dataset, int Count, int Correct, double Accuracy,
        double CyclesPerFrame, long PredictedCyclesPerFrame, long MaxLatencyCycles, long SimulatedCycles, double CyclesPerSecond,
        string GoldenCheck, int GoldenMismatches, string? Vcd);

    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var dataset = DatasetOptions.Dataset();
        var split = DatasetOptions.Split("test");
        var count = DatasetOptions.Count();
        var vcd = new Option<string?>("--vcd") { Description = "Write a value change dump (GTKWave) of the run to this file" };
        var signals = new Option<string[]>("--vcd-signals") { Description = "Glob patterns of signals to dump (default: all), e.g. 'm_axis_*' 'layer0.*'", AllowMultipleArgumentsPerToken = true };
        var json = Output.JsonOption();
        var command = new Command("sim", "Run images through the C# cycle-accurate simulator of a build") { build, dataset, split, count, vcd, signals, json };
        CommandAction.Set(command, (parse, cancel) =>
        {
            var folder = BuildFolder.Open(parse.GetValue(build)!);
            var data = DatasetOptions.Load(parse, dataset, split, count);
            if (data.Features != folder.Manifest.InputBytes)
                throw new UserError($"dataset {data.Name} has {data.Features} bytes per image, but build {folder.Path} takes {folder.Manifest.InputBytes} input bytes per frame");
            var frames = Enumerable.Range(0, data.Count).Select(i => data.Image(i).ToArray()).ToList();
            string? vcdPath = parse.GetValue(vcd);
            var result = Run(folder, frames, data.Labels, data.Name, vcdPath, parse.GetValue(signals) ?? [], cancel);
            Output.From(parse, json).Report(result, Print);
            return result.GoldenMismatches == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    public static Result Run(BuildFolder folder, IReadOnlyList<byte[]> frames, byte[] labels, string datasetName, string? vcdPath, IReadOnlyList<string> vcdSignals, CancellationToken cancel)
    {
        var sim = Simulator.Create(folder.Design, storeAllSignals: vcdPath is not null);
        using var vcd = vcdPath is null ? null : VcdWriter.Create(vcdPath, sim, vcdSignals, (int)Math.Max(2, Math.Round(1000 / Math.Max(1, folder.Manifest.ClockMhz))));
        var driver = new StreamDriver(sim) { OnCycle = vcd is null ? null : _ => vcd.Sample(), Cancel = cancel };
        var start = ThreadCpuClock.Now();
        StreamTrace trace;
        try
        {
            trace = driver.Run(new StreamStimulus { Frames = frames, DeadlockCycles = Math.Max(100_000, 20 * Math.Max(folder.Manifest.LatencyCycles, folder.Manifest.CyclesPerFrame)) });
        }
        catch (OperationCanceledException)
        {
            // An interrupted dump is not left behind half-written; a deadlocked run keeps its dump, which is what one debugs it with.
            vcd?.Dispose();
            if (vcdPath is not null) File.Delete(vcdPath);
            throw;
        }
        var cpu = ThreadCpuClock.Now() - start;
        if (trace.Status != StreamStatus.Completed)
            throw new UserError($"the simulation of {folder.Path} did not complete ({trace.Status.ToString().ToLowerInvariant()}): {trace.Diagnosis}");
        var metrics = StreamMetrics.Of(trace);
        int correct = Enumerable.Range(0, frames.Count).Count(i => trace.Outputs[i].Data == labels[i]);
        var golden = GoldenCheck.Compare(folder, frames, [.. trace.Outputs.Select(o => o.Data)]);
        return new Result(folder.Path, folder.Manifest.Model, datasetName, frames.Count, correct, (double)correct / frames.Count,
            metrics.CyclesPerFrame, folder.Manifest.CyclesPerFrame, metrics.MaxLatencyCycles, trace.Cycles, trace.Cycles / cpu.TotalSeconds,
            golden.Summary, golden.Mismatches, vcdPath);
    }

    private static void Print(Result r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] ({r.Build}) on {r.Dataset}, C# cycle-accurate simulator");
        AnsiConsole.MarkupLineInterpolated($"  accuracy         {Units.Percent(r.Accuracy)}  ({r.Correct:N0} of {r.Count:N0})");
        AnsiConsole.MarkupLineInterpolated($"  cycles per frame {r.CyclesPerFrame:F1} measured, {r.PredictedCyclesPerFrame} predicted");
        AnsiConsole.MarkupLineInterpolated($"  latency          {r.MaxLatencyCycles} cycles at most (last input byte to result)");
        AnsiConsole.MarkupLineInterpolated($"  golden kernel    {r.GoldenCheck}");
        AnsiConsole.MarkupLineInterpolated($"  simulated        {r.SimulatedCycles:N0} cycles at {r.CyclesPerSecond / 1e6:F2} M cycles/s");
        if (r.Vcd is not null) AnsiConsole.MarkupLineInterpolated($"  waveform         {r.Vcd}");
    }
}
