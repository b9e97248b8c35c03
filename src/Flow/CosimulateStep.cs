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
    public IReadOnlyList<string> Inputs => [Build, Dataset.SourcePath];
}

/// <param name="Diagnosis">Why the run did not complete (a deadlock's stall report), when it did not.</param>
public sealed record CosimulateResult(string Build, string Model, string Dataset, int Count, double StallProbability, ulong Seed, bool Agree,
    string? Mismatch, int Transactions, long Cycles, string Status, double CSharpSeconds, double VerilatorSeconds, bool VerilatorModelCached,
    string GoldenCheck, int GoldenMismatches, string? Diagnosis)
{
    /// <summary>Bit- and cycle-exact, completed, and equal to the golden kernel.</summary>
    public bool Passed => Agree && Status == "completed" && GoldenMismatches == 0;
}

/// <summary>`hwflow cosim`: the C# simulator and Verilator on the same stimulus, every output transaction and its cycle compared.</summary>
internal static class CosimulateStep
{
    public static CosimulateResult Run(CosimulateRequest request, CancellationToken cancel)
    {
        double p = request.StallProbability;
        if (!(p >= 0 && p < 1)) throw new UserError($"--stall-prob must be in [0, 1), got {p}");
        var folder = BuildFolder.Open(request.Build);
        var data = request.Dataset.Load();
        var frames = DatasetFit.Frames(folder, data);
        var model = folder.StreamModel(cancel);
        var stimulus = new StreamStimulus
        {
            Frames = frames, Seed = request.Seed, InputGapProbability = p, OutputStallProbability = p, DeadlockCycles = DeadlockLimit.For(folder.Manifest),
        };
        var cosim = Cosimulation.Stream(Simulator.Create(folder.Design), model, stimulus, cancel: cancel);
        var trace = cosim.Trace!;
        var golden = GoldenCheck.Compare(folder, frames, [.. trace.Outputs.Select(o => o.Data)], cancel);
        return new CosimulateResult(folder.Path, folder.Manifest.Model, data.Name, frames.Count, p, stimulus.Seed, cosim.Agree, cosim.Mismatch?.Message,
            trace.Outputs.Count, trace.Cycles, trace.Status.ToString().ToLowerInvariant(), cosim.CSharp.Wall.TotalSeconds, cosim.Verilator.Wall.TotalSeconds,
            model.FromCache, golden.Summary, golden.Mismatches, trace.Diagnosis);
    }
}
