using HwFlow.Sim.Bench;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Vectors;

namespace HwFlow.Sim.Verilator;

/// <summary>One co-simulation: both transcripts, where they first differ (null when identical), and how long each engine's loop took.</summary>
public sealed record CosimResult(IReadOnlyList<string> CSharpLines, IReadOnlyList<string> VerilatorLines, CosimMismatch? Mismatch,
    LoopTime CSharp, LoopTime Verilator, StreamTrace? Trace)
{
    public bool Agree => Mismatch is null;
}

/// <summary>Wall and thread CPU time of one engine's simulation loop.</summary>
public sealed record LoopTime(TimeSpan Wall, TimeSpan Cpu);

/// <summary>Runs the C# simulator and a Verilator model on the same stimulus and compares every transaction and the cycle it appears on.</summary>
public static class Cosimulation
{
    /// <summary>
    /// Drives the AXI4-Stream top in both engines (the model must use
    /// <see cref="HarnessKind.Stream"/>). With <paramref name="concurrent"/> the Verilator model
    /// runs in its own process while the C# simulator runs here, which halves the wall time on
    /// two cores; benchmarks run them one after the other so neither slows the other.
    /// </summary>
    public static CosimResult Stream(Simulator sim, VerilatorModel model, StreamStimulus stimulus, Action<long>? onCycle = null,
        bool concurrent = true, CancellationToken cancel = default)
    {
        string stimulusFile = Path.Combine(Path.GetTempPath(), $"hwflow-stimulus-{Guid.NewGuid():N}.txt");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Task<HarnessOutput>? running = null;
        try
        {
            File.WriteAllText(stimulusFile, stimulus.ToText());
            running = concurrent ? Task.Run(() => model.Run([stimulusFile], cancel: stop.Token), stop.Token) : null;
            var verilator = running is null ? model.Run([stimulusFile], cancel: cancel) : null;
            var (trace, time) = Timed(() => new StreamDriver(sim) { OnCycle = onCycle, Cancel = cancel }.Run(stimulus));
            verilator ??= running!.GetAwaiter().GetResult();
            var lines = trace.Lines().ToList();
            return new CosimResult(lines, verilator.Lines, TraceComparison.Compare(lines, verilator.Lines), time, new LoopTime(verilator.LoopTime, verilator.LoopCpuTime), trace);
        }
        finally
        {
            if (running is not null && !running.IsCompleted)
            {
                stop.Cancel(); // the C# side failed: stop the model before removing its input
                try { running.Wait(); } catch (AggregateException) { }
            }
            File.Delete(stimulusFile);
        }
    }

    /// <summary>Random vectors on every input for <paramref name="cycles"/> cycles (the model must use <see cref="HarnessKind.Vectors"/>).</summary>
    public static CosimResult Vectors(Simulator sim, VerilatorModel model, ulong seed, long cycles, CancellationToken cancel = default)
    {
        var verilator = model.Run([seed.ToString(System.Globalization.CultureInfo.InvariantCulture), cycles.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancel: cancel);
        var (lines, time) = Timed(() => VectorDriver.Run(sim, seed, cycles));
        var columns = sim.Module.Outputs.Select(p => p.Name).ToList();
        return new CosimResult(lines, verilator.Lines, TraceComparison.Compare(lines, verilator.Lines, columns), time, new LoopTime(verilator.LoopTime, verilator.LoopCpuTime), null);
    }

    private static (T Result, LoopTime Time) Timed<T>(Func<T> run)
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var cpu = ThreadCpuClock.Now();
        var result = run();
        return (result, new LoopTime(wall.Elapsed, ThreadCpuClock.Now() - cpu));
    }
}
