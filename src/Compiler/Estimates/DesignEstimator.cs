using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Estimates;

/// <summary>
/// What a model would cost in hardware, estimated without generating it: the integer graph, the
/// folding the optimizer picks for <c>goal</c>, and <see cref="ResourceModel"/>'s LUTs and
/// frames/s. One transform on the input bytes is planned and folded as compile does it (the
/// butterfly network's own resource model); stacked transforms, which have no generator yet, are
/// planned as their dense +-1 equal (<see cref="TransformSurrogate"/>) and costed as butterfly
/// units (<see cref="TransformCost"/>) fast enough for the design's initiation interval.
/// </summary>
public static class DesignEstimator
{
    public static DesignEstimate Of(ModelSpec model, CompileOptions options, FoldingGoal goal, double clockMhz) =>
        Of(model, IntegerLowering.Lower(model, options), options, goal, clockMhz);

    /// <summary>As <see cref="Of(ModelSpec, CompileOptions, FoldingGoal, double)"/>, for the model's integer graph lowered with <paramref name="options"/>.</summary>
    public static DesignEstimate Of(ModelSpec model, Graph graph, CompileOptions options, FoldingGoal goal, double clockMhz)
    {
        if (goal is FoldingGoal.MaxLuts) throw new UserError("a design estimate takes --target-fps or the fastest folding, not --max-luts");
        long constantBits = IntegerGraphSummary.Of(graph, options).ConstantBits;
        var (front, elsewhere) = TransformSurrogate.Find(graph);
        if (elsewhere)
            throw new UserError($"model {model.Name}: a hardware estimate covers a Walsh-Hadamard transform on the input bytes only");
        // one transform on the input bytes has its generator: planned, folded and costed as compile does it
        bool generated = front is not null && front.Transforms().Count() == 1;
        if (generated) front = null;
        var planned = front is null ? graph : TransformSurrogate.Replace(graph, front);
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(planned));
        int inputBytes = graph.Input.Type.Length;
        var plan = FoldingOptimizer.Optimize(shapes, inputBytes, goal);
        var design = ResourceModel.Default.Design(shapes, inputBytes, plan);
        long ii = FoldingTiming.InitiationInterval(shapes, inputBytes, plan);
        var layers = design.Layers.ToList();
        string realization = generated ? "transform folded by PE (the butterfly network), then folded matrix-vector stages" : "folded matrix-vector stages";
        if (front is not null)
        {
            int butterflies = TransformCost.ButterfliesFor(front.Size, ii);
            ii = Math.Max(ii, TransformCost.Cycles(front.Size, butterflies));
            layers[0] = TransformCost.Of(shapes[0].Name, front, butterflies, ResourceModel.Default.Costs);
            int transforms = front.Transforms().Count();
            realization = $"{(transforms == 1 ? "transform" : $"{transforms} transforms")} folded by stage, {butterflies} {(butterflies == 1 ? "butterfly" : "butterflies")} per cycle each (first estimate), then folded matrix-vector stages";
        }
        var total = new DesignResources(layers, design.Glue);
        return new DesignEstimate(model.Name, total.Luts, total.Ffs, total.BramBits, ii, clockMhz, FoldingTiming.FramesPerSecond(clockMhz, ii),
            constantBits, realization);
    }
}

/// <summary>A design's estimated cost: LUTs, flip-flops and block-RAM bits from the resource model, its cycles per frame and frames/s at the clock, and the integer graph's constant storage.</summary>
public sealed record DesignEstimate(string Model, long Luts, long Ffs, long BramBits, long CyclesPerFrame, double ClockMhz, double FramesPerSecond,
    long ConstantBits, string Realization)
{
    /// <summary>The estimate, and the integer graph's accuracy on <paramref name="test"/> (the packed engine: the golden kernel's answers).</summary>
    public static (DesignEstimate Estimate, double IntegerAccuracy) WithAccuracy(ModelSpec model, Runtime.Data.Dataset test, CompileOptions options,
        FoldingGoal goal, double clockMhz)
    {
        var graph = IntegerLowering.Lower(model, options);
        var classes = Runtime.Kernels.PackedEngine.Create(graph).Classify(test.Images, test.Count);
        double accuracy = classes.Where((c, i) => c == test.Labels[i]).Count() / (double)test.Count;
        return (DesignEstimator.Of(model, graph, options, goal, clockMhz), accuracy);
    }
}
