using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware;

/// <summary>Integer graph + folding to an RTL design: one module per layer, FIFOs, argmax or scores, the AXI top.</summary>
public static class HardwareGenerator
{
    /// <summary>The module a layer (or the transform front) is generated as; its window and pool are this name plus <see cref="WindowSuffix"/> and <see cref="PoolSuffix"/>.</summary>
    public static string LayerModule(string layer) => "layer_" + layer.Replace('.', '_');

    public const string WindowSuffix = "_window";

    public const string PoolSuffix = "_pool";

    /// <summary>The instances a layer's logic is in: its module, its window and its pool (each there when the layer has one).</summary>
    public static IReadOnlyList<string> LayerInstances(string layer)
    {
        string module = LayerModule(layer);
        return [module, module + WindowSuffix, module + PoolSuffix];
    }

    public static HardwareDesign Generate(Graph graph, FoldingPlan folding, HardwareOptions? options = null) => Generate(StagePlanner.Plan(graph), folding, options);

    /// <summary>As <see cref="Generate(Graph, FoldingPlan, HardwareOptions)"/>, for a caller that planned the stages already (to fold them).</summary>
    public static HardwareDesign Generate(StagePlan plan, FoldingPlan folding, HardwareOptions? options = null)
    {
        options ??= HardwareOptions.Default;
        var shapes = StagePlanner.Shapes(plan);
        foreach (var shape in shapes)
        {
            var f = folding.Layers.FirstOrDefault(l => l.Layer == shape.Name)
                ?? throw new UserError($"the folding has no entry for layer {shape.Name}");
            if (FoldingRules.Check(shape, f) is { } problem) throw new UserError(problem);
        }

        var library = new ModuleLibrary();
        var stageModules = new List<RtlModule>();
        var latencies = new List<int>();
        // the front and a convolution's window take a byte a cycle: a wide stream is split for them
        if (plan.AdaptsInput) stageModules.Add(library.Add(InputWidthAdapter.Build(plan.InputWidth)));
        if (plan.Front is { } front)
        {
            var (module, latency) = ButterflyNetwork.Build(library, LayerModule(front.Name), front, folding.For(front.Name));
            stageModules.Add(library.Add(module));
            latencies.Add(latency);
        }
        for (int i = 0; i < plan.Stages.Count; i++)
        {
            var f = folding.For(plan.Stages[i].Name);
            var stage = StagePadding.Pad(plan.Stages[i], f);
            string name = LayerModule(stage.Name);
            int lanesIn = i == 0 ? 1 : folding.For(plan.Stages[i - 1].Name).Pe;
            if (stage.Window is { } window)
                stageModules.Add(library.Add(WindowGenerator.Build(library, name + WindowSuffix, window, lanesIn, options)));
            (RtlModule, int) built;
            if (stage.IsDense) built = DenseMvu.Build(library, name, stage, f, i == 0 && stage.Window is null ? plan.ElementsPerBeat : 1);
            else if (stage.Window is { } w) built = BinaryMvu.Build(library, name, stage, f, w.Lanes, plan.Stages[i].Inputs, w.OutputType, 1, options);
            else if (i == 0 && plan.Front is { } transform)
                built = BinaryMvu.Build(library, name, stage, f, folding.For(transform.Name).Pe, plan.Stages[i].Inputs, transform.OutputType, 1, options);
            else
            {
                // the first binary or plane stage fills from the input beats (one or several bytes); later ones from the previous stage's (padded) output beats
                var producer = i > 0 ? plan.Stages[i - 1] : null;
                var pf = producer is null ? null : folding.For(producer.Name);
                int lanes = pf?.Pe ?? plan.ElementsPerBeat;
                // a convolution's stage hands on every pixel's (pooled) outputs, the layer after it takes them all as its inputs
                int fill = producer is null ? plan.InputFillElements
                    : producer.Pixels > 1 || producer.Pool is not null ? plan.Stages[i].Inputs
                    : StagePadding.RoundUp(producer.Outputs, pf!.Pe);
                var elementType = producer?.OutputType ?? GraphType.Int(plan.InputBytes, 0, 255);
                int producerBeats = producer is null ? 1 : FoldingTiming.Folds(producer.Inputs, pf!.Simd);
                built = stage.IsPlane
                    ? PlaneMvu.Build(library, name, stage, f, lanes, fill, elementType, producerBeats, options)
                    : ParallelBinaryLayer.Builds(stage, f) ? ParallelBinaryLayer.Build(library, name, stage, lanes, fill, elementType, options)
                    : BinaryMvu.Build(library, name, stage, f, lanes, fill, elementType, producerBeats, options);
            }
            var (module, latency) = built;
            stageModules.Add(library.Add(module));
            if (stage.Pool is { } pool) stageModules.Add(library.Add(PoolUnit.Build(library, name + PoolSuffix, pool, f.Pe, options)));
            // a window adds its read pipeline and output FIFO, a pool its FIFO
            latencies.Add(latency + (stage.Window is null ? 0 : WindowGenerator.PipelineLatency + 1) + (stage.Pool is null ? 0 : 1));
        }
        var last = plan.Stages[^1];
        int outputWidth = plan.ClassOutput ? Math.Max(8, BitWidth.ToIndex(plan.Classes)) : last.Outputs * last.OutputWidth;
        var result = library.Add(plan.ClassOutput
            ? ArgMaxUnit.Build(last.Outputs, folding.For(last.Name).Pe, last.OutputType, outputWidth, FoldingTiming.Folds(last.Inputs, folding.For(last.Name).Simd))
            : ScoresUnit.Build(last.Outputs, folding.For(last.Name).Pe, last.OutputType));
        library.Add(TopLevel.Build(stageModules, result, outputWidth, plan.InputWidth));

        var rtl = new RtlDesign(library.Modules, HardwareDesign.TopName);
        RtlChecker.Ensure(rtl);
        return new HardwareDesign(rtl, plan, folding, shapes, FoldingTiming.InitiationInterval(shapes, plan.InputCycles, folding), latencies, outputWidth) { Options = options };
    }
}
