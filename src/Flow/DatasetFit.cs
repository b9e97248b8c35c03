using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;

namespace HwFlow.Flow;

/// <summary>Whether a dataset fits what reads it: a model's input and classes, or a build's input frames.</summary>
public static class DatasetFit
{
    /// <summary>Refuses a dataset whose image size or labels do not fit the model.</summary>
    public static void ToModel(ModelSpec model, Dataset data)
    {
        if (data.Features != model.Input.Features)
            throw new UserError($"dataset {data.Name} has {data.Rows}x{data.Columns} = {data.Features} pixels per image, but model {model.Name} expects {model.Input.Features} inputs");
        if (data.ClassCount > model.OutputFeatures)
            throw new UserError($"dataset {data.Name} has labels up to {data.ClassCount - 1}, but model {model.Name} has only {model.OutputFeatures} outputs");
    }

    /// <summary>The images as the build's input frames (one byte per input), refusing images of another size.</summary>
    public static IReadOnlyList<byte[]> Frames(BuildFolder build, Dataset data)
    {
        if (data.Features != build.Manifest.InputBytes)
            throw new UserError($"dataset {data.Name} has {data.Features} bytes per image, but build {build.Path} takes {build.Manifest.InputBytes} input bytes per frame");
        return Enumerable.Range(0, data.Count).Select(i => data.Image(i).ToArray()).ToList();
    }
}
