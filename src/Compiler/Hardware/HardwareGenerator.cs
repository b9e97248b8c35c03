using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware;

/// <summary>Integer graph + folding to an RTL design: one module per layer, FIFOs, argmax, the AXI top.</summary>
public static class HardwareGenerator
{
    public static HardwareDesign Generate(Graph graph, FoldingPlan folding)
    {
        var plan = StagePlanner.Plan(graph);
        var shapes = StagePlanner.Shapes(plan);
        foreach (var shape in shapes)
        {
            var f = folding.Layers.FirstOrDefault(l => l.Layer == shape.Name)
                ?? throw new UserError($"the folding has no entry for layer {shape.Name}");
            CheckLegal(shape, f);
        }

        var library = new ModuleLibrary();
        var stageModules = new List<RtlModule>();
        var latencies = new List<int>();
        for (int i = 0; i < plan.Stages.Count; i++)
        {
            var stage = plan.Stages[i];
            var f = folding.For(stage.Name);
            string name = "layer_" + stage.Name.Replace('.', '_');
            var (module, latency) = stage.IsDense
                ? DenseMvu.Build(library, name, stage, f)
                : BinaryMvu.Build(library, name, stage, f, folding.For(plan.Stages[i - 1].Name).Pe, plan.Stages[i - 1].OutputType);
            stageModules.Add(library.Add(module));
            latencies.Add(latency);
        }
        int classWidth = Math.Max(1, Arithmetic.Log2Ceiling(plan.Classes));
        int outputWidth = Math.Max(8, classWidth);
        var last = plan.Stages[^1];
        var argmax = library.Add(ArgMaxUnit.Build(last.Outputs, folding.For(last.Name).Pe, last.OutputType, outputWidth));
        library.Add(TopLevel.Build(stageModules, argmax, outputWidth));

        var rtl = new RtlDesign(library.Modules, HardwareDesign.TopName);
        RtlChecker.Ensure(rtl);
        return new HardwareDesign(rtl, plan, folding, shapes, HardwareDesign.InitiationInterval(plan.InputBytes, shapes, folding), latencies, outputWidth);
    }

    /// <summary>The generator's own legality check (the folding optimizer only produces legal foldings; a folding file may not).</summary>
    private static void CheckLegal(LayerShape shape, Folding.Folding f)
    {
        string? problem = null;
        if (f.Pe < 1 || shape.Outputs % f.Pe != 0) problem = $"PE {f.Pe} must divide the {shape.Outputs} outputs";
        else if (f.Simd < 1 || shape.Inputs % f.Simd != 0) problem = $"SIMD {f.Simd} must divide the {shape.Inputs} inputs";
        else if (shape.Kind == LayerKind.Binary && shape.Chunk % f.Simd != 0 && f.Simd % shape.Chunk != 0)
            problem = $"SIMD {f.Simd} and the chunk length {shape.Chunk} must divide one another";
        else if (shape.NextChunk > 0 && shape.NextChunk % f.Pe != 0 && f.Pe % shape.NextChunk != 0)
            problem = $"PE {f.Pe} and the next layer's chunk length {shape.NextChunk} must divide one another";
        if (problem is not null) throw new UserError($"layer {shape.Name}: {problem}");
    }
}
