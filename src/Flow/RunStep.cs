using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Flow;

/// <param name="Input">A .npy of raw (uint8/int8/int32, scaled by input.scale) or real (float32) inputs, [features] or [batch, features].</param>
/// <param name="Training">The seed's "Training" mode: every intermediate activation instead of the output.</param>
public sealed record RunRequest(string Model, string Input, OutputFolder Output, bool Training = false) : IFlowRequest
{
    public IReadOnlyList<string> Inputs => [ModelLoader.FolderOf(Model), Input];
}

public sealed record RunResult(string Model, string Mode, int Batch, string Folder, IReadOnlyList<string> Files, int[]? Classes);

/// <summary>`hwflow run`: the seed's netEvaluate on a batch, written as .npy files.</summary>
internal static class RunStep
{
    public static RunResult Run(RunRequest request, CancellationToken cancel)
    {
        var spec = ModelLoader.Load(request.Model);
        var batch = ModelInput.FromArray(NpyFile.Read(request.Input), spec.Input, request.Input);
        var evaluator = new FloatEvaluator(spec);
        var files = new List<string>();
        int[]? classes = null;
        using var staged = StagedFolder.Begin(request.Output, "run", request.Inputs);
        if (request.Training)
        {
            var all = evaluator.EvaluateAll(batch);
            for (int i = 0; i < all.Count; i++)
            {
                var name = i == 0 ? "00-input.npy" : $"{i:00}-{spec.Layers[i - 1].Type}.npy";
                Write(staged.File(name), all[i]);
                files.Add(name);
            }
        }
        else
        {
            var result = evaluator.Evaluate(batch);
            Write(staged.File("output.npy"), result);
            files.Add("output.npy");
            if (spec.Output == OutputKind.Class)
            {
                classes = result.ArgMaxPerRow();
                NpyFile.Write(staged.File("class.npy"), NpyArray.FromInt32([classes.Length], classes));
                files.Add("class.npy");
            }
        }
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        return new RunResult(spec.Name, request.Training ? "training" : "test", batch.Rows, staged.Target, files, classes);
    }

    private static void Write(string path, Matrix m) => NpyFile.Write(path, NpyArray.FromFloats([m.Rows, m.Columns], m.ToFloats()));
}
