using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware;

/// <summary>A generated design and what the compiler predicts about it.</summary>
public sealed record HardwareDesign(
    RtlDesign Rtl,
    StagePlan Plan,
    FoldingPlan Folding,
    IReadOnlyList<LayerShape> Shapes,
    long CyclesPerFrame,
    IReadOnlyList<int> PipelineLatencies,
    int OutputWidth)
{
    public const string TopName = "hwflow_top";

    /// <summary>Cycles each stage needs per frame: the input stream's bytes, then (Outputs/PE)*(Inputs/SIMD) per layer.</summary>
    public static long StageCycles(LayerShape shape, Folding.Folding folding) =>
        (long)(shape.Outputs / folding.Pe) * (shape.Inputs / folding.Simd);

    /// <summary>
    /// Cycles from the first input byte taken to the class offered on m_axis, for a frame that
    /// meets an idle pipeline: the input bytes, then per layer its cycles, its pipeline and one
    /// cycle through its output FIFO.
    /// </summary>
    public long LatencyCycles => Plan.InputBytes + Shapes.Select((s, i) => StageCycles(s, Folding.For(s.Name)) + PipelineLatencies[i] + 1).Sum();

    /// <summary>
    /// The initiation interval in steady state: every stage works on its own frame and hands it
    /// on without a bubble, so the slowest stage sets the pace: max(input bytes, layer cycles).
    /// </summary>
    public static long InitiationInterval(int inputBytes, IReadOnlyList<LayerShape> shapes, FoldingPlan plan) =>
        Math.Max(inputBytes, shapes.Max(s => StageCycles(s, plan.For(s.Name))));
}
