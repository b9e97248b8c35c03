using System.Diagnostics;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Bench;

/// <summary>Cycles per second of one engine: by thread CPU time (robust on a shared machine) and by wall time.</summary>
public sealed record EngineSpeed(string Engine, long Cycles, double CpuSeconds, double WallSeconds)
{
    public double CyclesPerSecond => Cycles / CpuSeconds;
    public double WallCyclesPerSecond => Cycles / WallSeconds;
}

/// <param name="CompileSeconds">Building the C# simulator: flattening, levelizing, layout, IL and JIT compilation.</param>
public sealed record SimBenchResult(string Design, int Frames, long Cycles, int Cells, int EvaluatedCells, double CompileSeconds, int Repeats,
    EngineSpeed CSharp, EngineSpeed Verilator, bool Agree, string? Mismatch)
{
    /// <summary>C# cycles/s over Verilator cycles/s (CPU time); above 1 the C# simulator is faster.</summary>
    public double Ratio => CSharp.CyclesPerSecond / Verilator.CyclesPerSecond;
    public double WallRatio => CSharp.WallCyclesPerSecond / Verilator.WallCyclesPerSecond;
}

/// <summary>
/// `hwflow bench sim`, library side: the C# simulator and the Verilator model run the same
/// stream stimulus in one process run; both loops are timed the same way (from the first cycle
/// to the last, without building, loading or printing) and the transcripts are compared too,
/// so a fast wrong answer cannot pass as a result. The engines take turns for
/// <c>repeats</c> rounds and each keeps its best round, which filters out the noise of other
/// jobs on a shared machine.
/// </summary>
public static class SimBenchmark
{
    public static SimBenchResult Run(string name, RtlDesign design, VerilatorModel model, IReadOnlyList<byte[]> frames,
        double gapProbability = 0, double stallProbability = 0, ulong seed = 1, int repeats = 3, CancellationToken cancel = default,
        long deadlockCycles = DeadlockLimit.Minimum)
    {
        var stimulus = new StreamStimulus
        {
            Frames = frames, Seed = seed, InputGapProbability = gapProbability, OutputStallProbability = stallProbability, DeadlockCycles = deadlockCycles,
        };
        // Warm-up on a separate instance, so the driver loop is compiled by the JIT before timing.
        new StreamDriver(Simulator.Create(design)).Run(stimulus with { Frames = [.. frames.Take(2)] });
        var compile = Stopwatch.StartNew();
        var sim = Simulator.Create(design);
        double compileSeconds = compile.Elapsed.TotalSeconds;
        CosimResult? best = null;
        LoopTime? bestCSharp = null, bestVerilator = null;
        for (int round = 0; round < Math.Max(1, repeats); round++)
        {
            var result = Cosimulation.Stream(round == 0 ? sim : Simulator.Create(design), model, stimulus, concurrent: false, cancel: cancel);
            if (best is null || !result.Agree) best = result;
            if (bestCSharp is null || result.CSharp.Cpu < bestCSharp.Cpu) bestCSharp = result.CSharp;
            if (bestVerilator is null || result.Verilator.Cpu < bestVerilator.Cpu) bestVerilator = result.Verilator;
        }
        long cycles = best!.Trace!.Cycles;
        return new SimBenchResult(name, frames.Count, cycles, RtlFlattener.Flatten(design).Cells.Count, sim.EvaluatedCellCount, compileSeconds, Math.Max(1, repeats),
            new EngineSpeed("C# compiled simulator", cycles, bestCSharp!.Cpu.TotalSeconds, bestCSharp.Wall.TotalSeconds),
            new EngineSpeed("Verilator", cycles, bestVerilator!.Cpu.TotalSeconds, bestVerilator.Wall.TotalSeconds),
            best.Agree, best.Mismatch?.Message);
    }
}
