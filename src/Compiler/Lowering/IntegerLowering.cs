using HwFlow.Compiler.Passes;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Lowering;

/// <summary>Model to integer graph: import, then the integer-lowering pipeline.</summary>
public static class IntegerLowering
{
    /// <summary>Lowers <paramref name="model"/>; <paramref name="observer"/> sees every pass (--dump-ir-after-each).</summary>
    public static Graph Lower(ModelSpec model, CompileOptions options, IPassObserver? observer = null)
    {
        options.Validate();
        var manager = new PassManager(Pipelines.IntegerLowering()) { Observer = observer };
        return manager.Run(ModelImporter.Import(model), options);
    }
}
