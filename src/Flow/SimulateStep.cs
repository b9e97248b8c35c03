using System.Numerics;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Sim;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Vcd;

namespace HwFlow.Flow;

/// <param name="Vcd">Write a value change dump of the run here (signals matching <see cref="VcdSignals"/>, all when empty).</param>
public sealed record SimulateRequest(string Build, DatasetChoice Dataset, string? Vcd = null) : IFlowRequest
{
    public IReadOnlyList<string> VcdSignals { get; init; } = [];

    /// <summary>Streams run at once in SIMD lanes (<see cref="LaneChoice"/>; null: the default, one with a dump).</summary>
    public int? Lanes { get; init; }

    public IReadOnlyList<string> Inputs => [Build, Dataset.SourcePath];
}

/// <param name="Lanes">Streams simulated at once in SIMD lanes (the frames split between them, one stimulus timing).</param>
/// <param name="SimulatedCycles">Design cycles simulated, summed over the lanes.</param>
public sealed record SimulateResult(string Build, string Model, string Dataset, int Count, int Correct, double Accuracy,
    double CyclesPerFrame, long PredictedCyclesPerFrame, long MaxLatencyCycles, int Lanes, long SimulatedCycles, double CyclesPerSecond,
    string GoldenCheck, int GoldenMismatches, string? Vcd);

/// <summary>`hwflow sim`: frames through the C# cycle-accurate simulator of a build, every result checked against the golden kernel.</summary>
internal static class SimulateStep
{
    public static SimulateResult Run(SimulateRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        if (request.Vcd is not null && request.Lanes is > 1) throw new UserError("--vcd dumps one simulation: use it with --lanes 1 (the default with --vcd)");
        int lanes = LaneChoice.Resolve(request.Lanes, defaultOne: request.Vcd is not null);
        var folder = BuildFolder.Open(request.Build);
        if (request.Vcd is { } vcdFile) OutputPaths.CheckFile(vcdFile, request.Inputs);
        folder.RequireDesignAndGraph();
        // The golden side (the dataset, graph.ir, the golden kernel's answers) needs only the build's
        // manifest and graph: it runs on the other core while this one builds the simulator, which
        // is most of a short run's cost.
        StartupLaps.Lap("sim: request checked");
        var goldenSide = Task.Run(() => GoldenSide(folder, request.Dataset, cancel), cancel);
        var laneSim = lanes > 1 && request.Dataset.Count is not < Simulator.LaneCount ? LaneChoice.LaneSimulator(folder, progress) : null;
        StartupLaps.Lap("sim: simulator built");
        var (data, frames, expected) = goldenSide.GetAwaiter().GetResult();
        StartupLaps.Lap("sim: golden side joined");
        var wire = InputWire.Pack(folder.Manifest, frames);
        var timing = new StreamStimulus { Frames = wire, DeadlockCycles = DeadlockLimit.For(folder.Manifest) };
        if (laneSim is not null && LaneSplit.TryCreate(wire, Simulator.LaneCount) is { } split)
        {
            var driver = new StreamDriver(laneSim) { Cancel = cancel };
            var start = ThreadCpuTime.Now();
            var traces = driver.RunLanes(timing with { Frames = split.Lanes[0] }, split.Lanes);
            var used = ThreadCpuTime.Now() - start;
            StartupLaps.Lap("sim: lanes run");
            Completed(folder, traces[0]);
            var results = split.Gather([.. traces.Select(t => (IReadOnlyList<BigInteger>)[.. t.Outputs.Select(o => o.Data)])]);
            return Summarize(folder, frames, data.Labels, data.Name, results, expected, StreamMetrics.Of(traces[0]), split.Lanes.Count,
                traces[0].Cycles * split.Lanes.Count, used, null);
        }
        return OneLane(folder, frames, data.Labels, data.Name, expected, timing, request.Vcd, request.VcdSignals, cancel);
    }

    private static (Runtime.Data.Dataset Data, IReadOnlyList<byte[]> Frames, IReadOnlyList<BigInteger> Expected) GoldenSide(BuildFolder folder, DatasetChoice dataset, CancellationToken cancel)
    {
        var data = dataset.Load();
        StartupLaps.Lap("golden: dataset loaded");
        var frames = DatasetFit.Frames(folder, data);
        var expected = GoldenCheck.Expected(folder, frames, cancel);
        StartupLaps.Lap("golden: expected computed");
        return (data, frames, expected);
    }

    private static SimulateResult OneLane(BuildFolder folder, IReadOnlyList<byte[]> frames, byte[] labels, string datasetName, IReadOnlyList<BigInteger> expected,
        StreamStimulus timing, string? vcdPath, IReadOnlyList<string> vcdSignals, CancellationToken cancel)
    {
        var sim = Simulator.Create(NetlistCache.Of(folder), storeAllSignals: vcdPath is not null);
        using var vcd = vcdPath is null ? null : VcdWriter.Create(vcdPath, sim, vcdSignals, (int)Math.Max(2, Math.Round(1000 / Math.Max(1, folder.Manifest.ClockMhz))));
        var driver = new StreamDriver(sim) { OnCycle = vcd is null ? null : _ => vcd.Sample(), Cancel = cancel };
        var start = ThreadCpuTime.Now();
        StreamTrace trace;
        try
        {
            trace = driver.Run(timing);
        }
        catch (OperationCanceledException)
        {
            // An interrupted dump is not left behind half-written; a deadlocked run keeps its dump, which is what one debugs it with.
            vcd?.Dispose();
            if (vcdPath is not null) File.Delete(vcdPath);
            throw;
        }
        var used = ThreadCpuTime.Now() - start;
        Completed(folder, trace);
        return Summarize(folder, frames, labels, datasetName, [.. trace.Outputs.Select(o => o.Data)], expected, StreamMetrics.Of(trace), 1, trace.Cycles, used, vcdPath);
    }

    private static void Completed(BuildFolder folder, StreamTrace trace)
    {
        if (trace.Status != StreamStatus.Completed)
            throw new UserError($"the simulation of {folder.Path} did not complete ({trace.Status.ToString().ToLowerInvariant()}): {trace.Diagnosis}");
    }

    private static SimulateResult Summarize(BuildFolder folder, IReadOnlyList<byte[]> frames, byte[] labels, string datasetName, IReadOnlyList<BigInteger> results,
        IReadOnlyList<BigInteger> expected, StreamMetrics metrics, int lanes, long cycles, TimeSpan cpu, string? vcdPath)
    {
        int correct = Enumerable.Range(0, Math.Min(frames.Count, results.Count)).Count(i => HardwareAnswer.ClassOf(folder.Graph, results[i]) == labels[i]);
        var golden = GoldenCheck.Compare(expected, results);
        return new SimulateResult(folder.Path, folder.Manifest.Model, datasetName, frames.Count, correct, (double)correct / frames.Count,
            metrics.CyclesPerFrame, folder.Manifest.CyclesPerFrame, metrics.MaxLatencyCycles, lanes, cycles, cycles / cpu.TotalSeconds,
            golden.Summary, golden.Mismatches, vcdPath);
    }
}
