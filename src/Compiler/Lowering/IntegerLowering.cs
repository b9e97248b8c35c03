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
        // The float model of a pow2-trained network rounds its chunk means to powers of two; exact
        // scales would compute another function, so --scales may only move exact models to pow2.
        if (model.Scales == ScaleMode.Pow2 && options.Scales == ScaleMode.Exact)
            throw new Runtime.Errors.UserError($"model {model.Name} was trained with pow2 chunk scales (scales: pow2 in its model.yaml): it lowers only with pow2 scales, not --scales exact");
        var manager = new PassManager(Pipelines.IntegerLowering()) { Observer = observer };
        return manager.Run(ModelImporter.Import(model), options);
    }
}
