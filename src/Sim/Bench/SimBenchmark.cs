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

public sealed record SimBenchResult(string Design, int Frames, long Cycles, int Cells, int EvaluatedCells, double CompileSeconds,
    EngineSpeed CSharp, EngineSpeed Verilator, bool Agree, string? Mismatch)
{
    /// <summary>C# cycles/s over Verilator cycles/s (CPU time); above 1 the C# simulator is faster.</summary>
    public double Ratio => CSharp.CyclesPerSecond / Verilator.CyclesPerSecond;
    public double WallRatio => CSharp.WallCyclesPerSecond / Verilator.WallCyclesPerSecond;
}

/// <summary>
/// `hwflow bench sim`, library side: the C# simulator and the Verilator model run the same
/// stream stimulus in one process run; both loops are timed the same way (from the first cycle
/// to the sentinel, without building or loading) and the transcripts are compared too, so a
/// fast wrong answer cannot pass as a result.
/// </summary>
public static class SimBenchmark
{
    public static SimBenchResult Run(string name, RtlDesign design, VerilatorModel model, IReadOnlyList<byte[]> frames,
        double gapProbability = 0, double stallProbability = 0, ulong seed = 1, CancellationToken cancel = default)
    {
        var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = gapProbability, OutputStallProbability = stallProbability };
        // Warm-up on a separate instance, so the driver loop is compiled by the JIT before timing.
        new StreamDriver(Simulator.Create(design)).Run(stimulus with { Frames = [.. frames.Take(2)] });
        var compile = Stopwatch.StartNew();
        var sim = Simulator.Create(design);
        double compileSeconds = compile.Elapsed.TotalSeconds;
        var result = Cosimulation.Stream(sim, model, stimulus, cancel: cancel);
        long cycles = result.Trace!.Cycles;
        return new SimBenchResult(name, frames.Count, cycles, RtlFlattener.Flatten(design).Cells.Count, sim.EvaluatedCellCount, compileSeconds,
            new EngineSpeed("C# compiled simulator", cycles, result.CSharp.Cpu.TotalSeconds, result.CSharp.Wall.TotalSeconds),
            new EngineSpeed("Verilator", cycles, result.Verilator.Cpu.TotalSeconds, result.Verilator.Wall.TotalSeconds),
            result.Agree, result.Mismatch?.Message);
    }
}
