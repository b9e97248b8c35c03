using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware;

/// <summary>Integer graph + folding to an RTL design: one module per layer, FIFOs, argmax, the AXI top.</summary>
public static class HardwareGenerator
{
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
        for (int i = 0; i < plan.Stages.Count; i++)
        {
            var f = folding.For(plan.Stages[i].Name);
            var stage = StagePadding.Pad(plan.Stages[i], f);
            string name = "layer_" + stage.Name.Replace('.', '_');
            (RtlModule, int) built;
            if (stage.IsDense) built = DenseMvu.Build(library, name, stage, f);
            else
            {
                // the first binary or plane stage fills from the input bytes, one a cycle; later ones from the previous stage's (padded) output beats
                var producer = i > 0 ? plan.Stages[i - 1] : null;
                var pf = producer is null ? null : folding.For(producer.Name);
                int lanes = pf?.Pe ?? 1;
                int fill = producer is null ? plan.InputBytes : StagePadding.RoundUp(producer.Outputs, pf!.Pe);
                var elementType = producer?.OutputType ?? GraphType.Int(plan.InputBytes, 0, 255);
                int producerBeats = producer is null ? 1 : FoldingTiming.Folds(producer.Inputs, pf!.Simd);
                built = stage.IsPlane
                    ? PlaneMvu.Build(library, name, stage, f, lanes, fill, elementType, producerBeats, options)
                    : BinaryMvu.Build(library, name, stage, f, lanes, fill, elementType, producerBeats, options);
            }
            var (module, latency) = built;
            stageModules.Add(library.Add(module));
            latencies.Add(latency);
        }
        int classWidth = BitWidth.ToIndex(plan.Classes);
        int outputWidth = Math.Max(8, classWidth);
        var last = plan.Stages[^1];
        var argmax = library.Add(ArgMaxUnit.Build(last.Outputs, folding.For(last.Name).Pe, last.OutputType, outputWidth));
        library.Add(TopLevel.Build(stageModules, argmax, outputWidth));

        var rtl = new RtlDesign(library.Modules, HardwareDesign.TopName);
        RtlChecker.Ensure(rtl);
        return new HardwareDesign(rtl, plan, folding, shapes, FoldingTiming.InitiationInterval(shapes, plan.InputBytes, folding), latencies, outputWidth) { Options = options };
    }
}
