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

    /// <summary>How it was generated beyond the folding (the logic fabric).</summary>
    public HardwareOptions Options { get; init; } = HardwareOptions.Default;

    /// <summary>
    /// Cycles from the first input beat taken to the class (or scores) offered on m_axis, for a
    /// frame that meets an idle pipeline: the input beats, then per layer its cycles, its pipeline
    /// and one cycle through its output FIFO, then the argmax's input register (the scores unit
    /// offers its word at once). A width adapter in front adds its register.
    /// </summary>
    public long LatencyCycles => Plan.InputCycles + (Plan.AdaptsInput ? Generators.InputWidthAdapter.Latency : 0) + Shapes.Select((s, i) => FoldingTiming.LayerCycles(s, Folding.For(s.Name)) + PipelineLatencies[i] + 1).Sum()
        + (Plan.ClassOutput ? ArgMaxLatency : Generators.ScoresUnit.Latency) - 1;

    private int ArgMaxLatency
    {
        get
        {
            var last = Folding.For(Shapes[^1].Name);
            return Generators.ArgMaxUnit.LatencyOf(Shapes[^1].Outputs, last.Pe, FoldingTiming.Folds(Shapes[^1].Inputs, last.Simd));
        }
    }
}
