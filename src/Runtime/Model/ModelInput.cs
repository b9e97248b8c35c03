using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Model;

/// <summary>Turns a user's input array into the real-valued batch the float evaluator takes.</summary>
public static class ModelInput
{
    /// <summary>
    /// Integer arrays (uint8, int8, int32) are raw input, scaled by input.scale; float32 arrays
    /// are real values already. Shape [features] (or an image input's own shape) is one sample; [batch, ...] a batch.
    /// </summary>
    public static Matrix FromArray(NpyArray array, InputSpec input, string path)
    {
        int features = input.Features;
        var sample = input.Shape;
        int rows = array.Shape switch
        {
            [var n] when n == features => 1,
            [var b, var n] when n == features => b,
            // an image input also takes [h, w, c] and [batch, h, w, c]
            var s when sample.Length > 1 && s.AsSpan().SequenceEqual(sample) => 1,
            var s when sample.Length > 1 && s.Length == sample.Length + 1 && s.AsSpan(1).SequenceEqual(sample) => s[0],
            _ => throw UserError.In(path, sample.Length > 1
                ? $"input has shape {Tensor.FormatShape(array.Shape)}, expected {Tensor.FormatShape(sample)}, [batch, {string.Join(", ", sample)}], [{features}] or [batch, {features}]"
                : $"input has shape {Tensor.FormatShape(array.Shape)}, expected [{features}] or [batch, {features}]"),
        };
        if (rows == 0) throw UserError.In(path, "the input batch is empty");
        bool raw = array.Type != NpyDType.Float32;
        var matrix = new Matrix(rows, features);
        for (int i = 0; i < matrix.Data.Length; i++)
        {
            double v = array.GetDouble(i);
            if (!double.IsFinite(v)) throw UserError.In(path, $"input element {i} is {v}");
            if (raw && v is < 0 or > 255) throw UserError.In(path, $"raw input element {i} is {v}, outside the uint8 range 0..255");
            matrix.Data[i] = raw ? v * input.Scale : v;
        }
        return matrix;
    }
}
