using System.Numerics;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Errors;
using HwFlow.Sim;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Flow;

/// <param name="StallProbability">Probability of an s_axis_tvalid gap and of m_axis_tready low in each cycle.</param>
/// <param name="Seed">Seed of the gap and backpressure generator (the Verilator harness reproduces it).</param>
public sealed record CosimulateRequest(string Build, DatasetChoice Dataset, double StallProbability = 0, ulong Seed = 1) : IFlowRequest
{
    /// <summary>Streams the frames are split into, one per SIMD lane of the C# simulator, each run by its own Verilator process (<see cref="LaneChoice"/>; null: the default).</summary>
    public int? Lanes { get; init; }

    public IReadOnlyList<string> Inputs => [Build, Dataset.SourcePath];
}

/// <param name="Streams">Streams the frames were split into: one per SIMD lane of the C# simulator, each run by Verilator on its own (1: one stream of all frames).</param>
/// <param name="Cycles">Cycles simulated, summed over the streams.</param>
/// <param name="CSharpSeconds">Wall time of the C# simulation loop (all lanes at once).</param>
/// <param name="VerilatorSeconds">Wall time of the Verilator loops, summed over the streams.</param>
/// <param name="Diagnosis">Why the run did not complete (a deadlock's stall report), when it did not.</param>
public sealed record CosimulateResult(string Build, string Model, string Dataset, int Count, double StallProbability, ulong Seed, int Streams, bool Agree,
    string? Mismatch, int Transactions, long Cycles, string Status, double CSharpSeconds, double VerilatorSeconds, bool VerilatorModelCached,
    string GoldenCheck, int GoldenMismatches, string? Diagnosis)
{
    /// <summary>Bit- and cycle-exact, completed, and equal to the golden kernel.</summary>
    public bool Passed => Agree && Status == "completed" && GoldenMismatches == 0;
}

/// <summary>`hwflow cosim`: the C# simulator and Verilator on the same stimulus, every output transaction and its cycle compared.</summary>
internal static class CosimulateStep
{
    public static CosimulateResult Run(CosimulateRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        double p = request.StallProbability;
        if (!(p >= 0 && p < 1)) throw new UserError($"--stall-prob must be in [0, 1), got {p}");
        int lanes = LaneChoice.Resolve(request.Lanes);
        var folder = BuildFolder.Open(request.Build);
        var data = request.Dataset.Load();
        var frames = DatasetFit.Frames(folder, data);
        var model = folder.StreamModel(cancel);
        var stimulus = new StreamStimulus
        {
            Frames = InputWire.Pack(folder.Manifest, frames), Seed = request.Seed, InputGapProbability = p, OutputStallProbability = p, DeadlockCycles = DeadlockLimit.For(folder.Manifest),
        };
        if (LaneChoice.TryLanes(folder, stimulus.Frames, lanes, progress) is (var sim, var split)) return Lanes(folder, sim, model, stimulus, frames, split, data.Name, cancel);
        return OneStream(folder, model, stimulus, frames, data.Name, cancel);
    }

    /// <param name="frames">The frames as bytes (the golden kernel's input); <paramref name="stimulus"/> holds them as the core takes them (<see cref="InputWire"/>).</param>
    private static CosimulateResult OneStream(BuildFolder folder, VerilatorModel model, StreamStimulus stimulus, IReadOnlyList<byte[]> frames, string dataset, CancellationToken cancel)
    {
        var cosim = Cosimulation.Stream(Simulator.Create(NetlistCache.Of(folder)), model, stimulus, cancel: cancel);
        var trace = cosim.Trace!;
        var golden = GoldenCheck.Compare(folder, frames, [.. trace.Outputs.Select(o => o.Data)], cancel);
        return new CosimulateResult(folder.Path, folder.Manifest.Model, dataset, stimulus.Frames.Count, stimulus.OutputStallProbability, stimulus.Seed, 1,
            cosim.Agree, cosim.Mismatch?.Message, trace.Outputs.Count, trace.Cycles, trace.Status.ToString().ToLowerInvariant(), cosim.CSharp.Wall.TotalSeconds,
            cosim.Verilator.Wall.TotalSeconds, model.FromCache, golden.Summary, golden.Mismatches, trace.Diagnosis);
    }

    /// <summary>One stream per SIMD lane: the C# simulator runs them at once, Verilator as separate processes, one per core at a time.</summary>
    private static CosimulateResult Lanes(BuildFolder folder, Simulator sim, VerilatorModel model, StreamStimulus stimulus, IReadOnlyList<byte[]> frames, LaneSplit split, string dataset,
        CancellationToken cancel)
    {
        IReadOnlyList<BigInteger> expected = [];
        var cosim = Cosimulation.Lanes(sim, model, stimulus with { Frames = split.Lanes[0] }, split.Lanes, concurrent: true,
            verilatorProcesses: Environment.ProcessorCount, cancel: cancel, whileVerilatorRuns: () => expected = GoldenCheck.Expected(folder, frames, cancel));
        var traces = cosim.Lanes.Select(l => l.Trace!).ToList();
        var results = split.Gather([.. traces.Select(t => (IReadOnlyList<BigInteger>)[.. t.Outputs.Select(o => o.Data)])]);
        var golden = GoldenCheck.Compare(expected, results);
        var unfinished = traces.FirstOrDefault(t => t.Status != StreamStatus.Completed);
        return new CosimulateResult(folder.Path, folder.Manifest.Model, dataset, stimulus.Frames.Count, stimulus.OutputStallProbability, stimulus.Seed,
            split.Lanes.Count, cosim.Agree, cosim.Mismatch, results.Count, traces.Sum(t => t.Cycles), (unfinished ?? traces[0]).Status.ToString().ToLowerInvariant(),
            cosim.CSharp.Wall.TotalSeconds, cosim.Verilator.Wall.TotalSeconds, model.FromCache, golden.Summary, golden.Mismatches, unfinished?.Diagnosis);
    }
}
