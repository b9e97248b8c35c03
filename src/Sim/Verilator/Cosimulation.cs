using HwFlow.Sim.Bench;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Vectors;

namespace HwFlow.Sim.Verilator;

/// <summary>One co-simulation: both transcripts, where they first differ (null when identical), and how long each engine's loop took.</summary>
public sealed record CosimResult(IReadOnlyList<string> CSharpLines, IReadOnlyList<string> VerilatorLines, CosimMismatch? Mismatch,
    TimeSpan CSharpCpu, TimeSpan VerilatorCpu, StreamTrace? Trace)
{
    public bool Agree => Mismatch is null;
}

/// <summary>Runs the C# simulator and a Verilator model on the same stimulus and compares every transaction and the cycle it appears on.</summary>
public static class Cosimulation
{
    /// <summary>Drives the AXI4-Stream top in both engines (the model must use <see cref="HarnessKind.Stream"/>).</summary>
    public static CosimResult Stream(Simulator sim, VerilatorModel model, StreamStimulus stimulus, Action<long>? onCycle = null, CancellationToken cancel = default)
    {
        string stimulusFile = Path.Combine(Path.GetTempPath(), $"hwflow-stimulus-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(stimulusFile, stimulus.ToText());
            var verilator = model.Run([stimulusFile], cancel: cancel);
            var start = ThreadCpuClock.Now();
            var trace = new StreamDriver(sim) { OnCycle = onCycle }.Run(stimulus);
            var cpu = ThreadCpuClock.Now() - start;
            var lines = trace.Lines().ToList();
            return new CosimResult(lines, verilator.Lines, TraceComparison.Compare(lines, verilator.Lines), cpu, verilator.LoopCpuTime, trace);
        }
        finally
        {
            File.Delete(stimulusFile);
        }
    }

    /// <summary>Random vectors on every input for <paramref name="cycles"/> cycles (the model must use <see cref="HarnessKind.Vectors"/>).</summary>
    public static CosimResult Vectors(Simulator sim, VerilatorModel model, ulong seed, long cycles, CancellationToken cancel = default)
    {
        var verilator = model.Run([seed.ToString(System.Globalization.CultureInfo.InvariantCulture), cycles.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancel: cancel);
        var start = ThreadCpuClock.Now();
        var lines = VectorDriver.Run(sim, seed, cycles);
        var cpu = ThreadCpuClock.Now() - start;
        var columns = sim.Module.Outputs.Select(p => p.Name).ToList();
        return new CosimResult(lines, verilator.Lines, TraceComparison.Compare(lines, verilator.Lines, columns), cpu, verilator.LoopCpuTime, null);
    }
}
