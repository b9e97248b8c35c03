using HwFlow.Compiler.Passes;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Lowering;

/// <summary>Model to integer graph: import, then the integer-lowering pipeline.</summary>
public static class IntegerLowering
{
    /// <summary>Lowers <paramref name="model"/>; <paramref name="afterEach"/> sees the graph after every pass (--dump-ir-after-each).</summary>
    public static Graph Lower(ModelSpec model, CompileOptions options, Action<Pass, Graph>? afterEach = null)
    {
        options.Validate();
        var pipeline = Pipelines.IntegerLowering();
        if (afterEach is not null)
        {
            foreach (var group in pipeline.OfType<FixpointGroup>()) group.AfterEach = afterEach;
        }
        var manager = new PassManager(pipeline) { AfterEach = afterEach };
        return manager.Run(ModelImporter.Import(model), options);
    }
}
