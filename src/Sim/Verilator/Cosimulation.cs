using HwFlow.Runtime.IO;
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
public sealed record LoopTime(TimeSpan Wall, TimeSpan Cpu)
{
    public static LoopTime operator +(LoopTime a, LoopTime b) => new(a.Wall + b.Wall, a.Cpu + b.Cpu);
}

/// <summary>
/// A co-simulation of one stream per SIMD lane: the C# simulator ran all lanes at once, Verilator
/// each stream on its own; one comparison per lane. Loop times are totals over the streams.
/// </summary>
public sealed record LaneCosimResult(IReadOnlyList<CosimResult> Lanes, LoopTime CSharp, LoopTime Verilator)
{
    public bool Agree => Lanes.All(l => l.Agree);

    /// <summary>The first lane's first difference, naming the lane.</summary>
    public string? Mismatch => Lanes.Select((l, i) => l.Mismatch is { } m ? $"stream {i}: {m.Message}" : null).FirstOrDefault(m => m is not null);
}

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

    /// <summary>
    /// One stream per lane of a multi-lane simulator (see <see cref="StreamDriver.RunLanes"/>),
    /// all under the timing of <paramref name="timing"/>; Verilator runs the same streams, up to
    /// <paramref name="verilatorProcesses"/> at a time, concurrently with the C# simulator when
    /// <paramref name="concurrent"/> (else first, so neither slows the other).
    /// <paramref name="whileVerilatorRuns"/> runs on this thread after the C# simulator, while the
    /// last Verilator processes finish (the C# side takes about a third of their time), so work
    /// that needs no Verilator output (the golden kernel's answers) does not add to the wall time.
    /// </summary>
    public static LaneCosimResult Lanes(Simulator sim, VerilatorModel model, StreamStimulus timing, IReadOnlyList<IReadOnlyList<byte[]>> laneFrames,
        bool concurrent = true, int verilatorProcesses = 1, CancellationToken cancel = default, Action? whileVerilatorRuns = null)
    {
        var files = laneFrames.Select(_ => Path.Combine(Path.GetTempPath(), $"hwflow-stimulus-{Guid.NewGuid():N}.txt")).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var slots = new SemaphoreSlim(Math.Max(1, verilatorProcesses));
        Task<HarnessOutput>[]? running = null;
        try
        {
            for (int l = 0; l < files.Count; l++) File.WriteAllText(files[l], (timing with { Frames = laneFrames[l] }).ToText());
            running = [.. files.Select(file => Task.Run(async () =>
            {
                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                try { return model.Run([file], cancel: stop.Token); }
                finally { slots.Release(); }
            }, stop.Token))];
            if (!concurrent) Task.WaitAll(running, cancel);
            var (traces, time) = Timed(() => new StreamDriver(sim) { Cancel = cancel }.RunLanes(timing, laneFrames));
            whileVerilatorRuns?.Invoke();
            var verilator = running.Select(t => t.GetAwaiter().GetResult()).ToList();
            var lanes = traces.Select((trace, l) =>
            {
                var lines = trace.Lines().ToList();
                var loop = new LoopTime(verilator[l].LoopTime, verilator[l].LoopCpuTime);
                return new CosimResult(lines, verilator[l].Lines, TraceComparison.Compare(lines, verilator[l].Lines), time, loop, trace);
            }).ToList();
            return new LaneCosimResult(lanes, time, lanes.Select(l => l.Verilator).Aggregate((a, b) => a + b));
        }
        finally
        {
            if (running is not null && running.Any(t => !t.IsCompleted))
            {
                stop.Cancel(); // the C# side failed: stop the models before removing their input
                try { Task.WaitAll(running); } catch (AggregateException) { }
            }
            foreach (var file in files) File.Delete(file);
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
        var cpu = ThreadCpuTime.Now();
        var result = run();
        return (result, new LoopTime(wall.Elapsed, ThreadCpuTime.Now() - cpu));
    }
}
