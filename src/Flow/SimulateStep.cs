using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Sim;
using HwFlow.Sim.Bench;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Vcd;

namespace HwFlow.Flow;

/// <param name="Vcd">Write a value change dump of the run here (signals matching <see cref="VcdSignals"/>, all when empty).</param>
public sealed record SimulateRequest(string Build, DatasetChoice Dataset, string? Vcd = null) : IFlowRequest
{
    public IReadOnlyList<string> VcdSignals { get; init; } = [];

    public IReadOnlyList<string> Inputs => [Build, Dataset.SourcePath];
}

public sealed record SimulateResult(string Build, string Model, string Dataset, int Count, int Correct, double Accuracy,
    double CyclesPerFrame, long PredictedCyclesPerFrame, long MaxLatencyCycles, long SimulatedCycles, double CyclesPerSecond,
    string GoldenCheck, int GoldenMismatches, string? Vcd);

/// <summary>`hwflow sim`: frames through the C# cycle-accurate simulator of a build, every result checked against the golden kernel.</summary>
internal static class SimulateStep
{
    public static SimulateResult Run(SimulateRequest request, CancellationToken cancel)
    {
        var folder = BuildFolder.Open(request.Build);
        var data = request.Dataset.Load();
        var frames = DatasetFit.Frames(folder, data);
        if (request.Vcd is { } vcdFile) OutputPaths.CheckFile(vcdFile, request.Inputs);
        return Run(folder, frames, data.Labels, data.Name, request.Vcd, request.VcdSignals, cancel);
    }

    private static SimulateResult Run(BuildFolder folder, IReadOnlyList<byte[]> frames, byte[] labels, string datasetName, string? vcdPath, IReadOnlyList<string> vcdSignals, CancellationToken cancel)
    {
        var sim = Simulator.Create(folder.Design, storeAllSignals: vcdPath is not null);
        using var vcd = vcdPath is null ? null : VcdWriter.Create(vcdPath, sim, vcdSignals, (int)Math.Max(2, Math.Round(1000 / Math.Max(1, folder.Manifest.ClockMhz))));
        var driver = new StreamDriver(sim) { OnCycle = vcd is null ? null : _ => vcd.Sample(), Cancel = cancel };
        var start = ThreadCpuClock.Now();
        StreamTrace trace;
        try
        {
            trace = driver.Run(new StreamStimulus { Frames = frames, DeadlockCycles = DeadlockLimit.For(folder.Manifest) });
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
        var golden = GoldenCheck.Compare(folder, frames, [.. trace.Outputs.Select(o => o.Data)], cancel);
        return new SimulateResult(folder.Path, folder.Manifest.Model, datasetName, frames.Count, correct, (double)correct / frames.Count,
            metrics.CyclesPerFrame, folder.Manifest.CyclesPerFrame, metrics.MaxLatencyCycles, trace.Cycles, trace.Cycles / cpu.TotalSeconds,
            golden.Summary, golden.Mismatches, vcdPath);
    }
}
