using System.Diagnostics;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Bench;

/// <summary>Cycles per second of one engine: by thread CPU time (robust on a shared machine) and by wall time.</summary>
public sealed record EngineSpeed(string Engine, long Cycles, double CpuSeconds, double WallSeconds)
{
    public double CyclesPerSecond => Cycles / CpuSeconds;
    public double WallCyclesPerSecond => Cycles / WallSeconds;
}

/// <param name="CompileSeconds">Building the C# simulators (one lane, then all lanes): flattening, levelizing, layout, IL and JIT compilation.</param>
/// <param name="Lanes">Streams the multi-lane C# simulator ran at once (each of <paramref name="FramesPerStream"/> frames).</param>
public sealed record SimBenchResult(string Design, int Frames, int Lanes, int FramesPerStream, long Cycles, int Cells, int EvaluatedCells,
    double CompileSeconds, int Repeats, string VerilatorFlags, EngineSpeed CSharp, EngineSpeed CSharpOneLane, EngineSpeed Verilator, bool Agree, string? Mismatch)
{
    /// <summary>C# (all lanes) cycles/s over Verilator cycles/s, CPU time; above 1 the C# simulator is faster.</summary>
    public double Ratio => CSharp.CyclesPerSecond / Verilator.CyclesPerSecond;
    public double WallRatio => CSharp.WallCyclesPerSecond / Verilator.WallCyclesPerSecond;

    /// <summary>The same for the C# simulator running one stream at a time.</summary>
    public double OneLaneRatio => CSharpOneLane.CyclesPerSecond / Verilator.CyclesPerSecond;
}

/// <summary>
/// `hwflow bench sim`, library side. The frames are split into one stream per SIMD lane (see
/// <see cref="LaneSplit"/>), all driven with one stimulus timing, and every engine simulates
/// exactly those streams: the multi-lane C# simulator all at once, Verilator one after another
/// (its cycles/s is the sum of cycles over the sum of loop times), and the single-lane C#
/// simulator the first stream (for the one-lane ratio). Each loop is timed from its first cycle
/// to its last, without building, loading or printing, and every transcript is compared with
/// Verilator's, so a fast wrong answer cannot pass as a result. The engines take turns for
/// <c>repeats</c> rounds and each keeps its best round, which filters out the noise of other
/// jobs on a shared machine.
/// </summary>
public static class SimBenchmark
{
    public static SimBenchResult Run(string name, RtlDesign design, VerilatorModel model, IReadOnlyList<byte[]> frames,
        double gapProbability = 0, double stallProbability = 0, ulong seed = 1, int repeats = 3, CancellationToken cancel = default,
        long deadlockCycles = DeadlockLimit.Minimum)
    {
        var split = LaneSplit.TryCreate(frames, Simulator.LaneCount)
            ?? throw new ArgumentException($"the benchmark needs at least {Simulator.LaneCount} frames of equal length, one stream per lane");
        var netlist = Netlist.Of(design);
        var timing = new StreamStimulus
        {
            Frames = split.Lanes[0], Seed = seed, InputGapProbability = gapProbability, OutputStallProbability = stallProbability,
            DeadlockCycles = deadlockCycles,
        };
        // Warm-up on separate instances, so the driver loops are compiled by the JIT before timing.
        var warm = split.Lanes.Select(l => (IReadOnlyList<byte[]>)[.. l.Take(2)]).ToList();
        new StreamDriver(Simulator.Create(netlist)).Run(timing with { Frames = warm[0] });
        new StreamDriver(Simulator.CreateLanes(netlist, [StreamPorts.InputData])).RunLanes(timing with { Frames = warm[0] }, warm);
        var compile = Stopwatch.StartNew();
        var single = Simulator.Create(netlist);
        var lanes = Simulator.CreateLanes(netlist, [StreamPorts.InputData]);
        double compileSeconds = compile.Elapsed.TotalSeconds;

        LaneCosimResult? best = null;
        LoopTime? bestLanes = null, bestSingle = null, bestVerilator = null;
        string? mismatch = null;
        long cycles = 0, singleCycles = 0;
        for (int round = 0; round < Math.Max(1, repeats); round++)
        {
            var result = Cosimulation.Lanes(round == 0 ? lanes : Simulator.CreateLanes(netlist, [StreamPorts.InputData]), model, timing, split.Lanes,
                concurrent: false, cancel: cancel);
            var one = Cosimulation.Stream(round == 0 ? single : Simulator.Create(netlist), model, timing, concurrent: false, cancel: cancel);
            cycles = result.Lanes.Sum(l => l.Trace!.Cycles);
            singleCycles = one.Trace!.Cycles;
            mismatch ??= result.Mismatch ?? (one.Mismatch is { } m ? $"one lane: {m.Message}" : null);
            if (best is null || !result.Agree) best = result;
            if (bestLanes is null || result.CSharp.Cpu < bestLanes.Cpu) bestLanes = result.CSharp;
            if (bestSingle is null || one.CSharp.Cpu < bestSingle.Cpu) bestSingle = one.CSharp;
            if (bestVerilator is null || result.Verilator.Cpu < bestVerilator.Cpu) bestVerilator = result.Verilator;
        }
        return new SimBenchResult(name, frames.Count, split.Lanes.Count, split.PerLane, cycles, RtlFlattener.Flatten(design).Cells.Count, single.EvaluatedCellCount,
            compileSeconds, Math.Max(1, repeats), VerilatorBuild.FlagsText,
            new EngineSpeed($"C# compiled simulator, {split.Lanes.Count} lanes", cycles, bestLanes!.Cpu.TotalSeconds, bestLanes.Wall.TotalSeconds),
            new EngineSpeed("C# compiled simulator, 1 lane", singleCycles, bestSingle!.Cpu.TotalSeconds, bestSingle.Wall.TotalSeconds),
            new EngineSpeed("Verilator", cycles, bestVerilator!.Cpu.TotalSeconds, bestVerilator.Wall.TotalSeconds),
            mismatch is null, mismatch);
    }
}
