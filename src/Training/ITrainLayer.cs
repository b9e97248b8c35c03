using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>
/// One layer of a network being trained, in float32 on row-major batches (one row per sample).
/// Each corresponds to exactly one layer of the saved model.
/// </summary>
public interface ITrainLayer
{
    int Inputs { get; }
    int Outputs { get; }

    /// <summary>
    /// The layer's output for <paramref name="rows"/> samples. With <paramref name="training"/>
    /// the layer keeps what <see cref="Backward"/> needs and BatchNorm uses batch statistics.
    /// The returned buffer belongs to the layer and is valid until its next Forward.
    /// </summary>
    float[] Forward(float[] input, int rows, bool training);

    /// <summary>
    /// Adds this batch's parameter gradients to <see cref="Parameter.Gradient"/> and returns the
    /// gradient of the loss with respect to the input (null when not <paramref name="needInputGradient"/>).
    /// </summary>
    float[]? Backward(float[] outputGradient, int rows, bool needInputGradient);

    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The model layer with the current (deployed) parameters.</summary>
    Layer Export();
}

/// <summary>Reuses a buffer while the batch size stays the same (it changes only on an epoch's last batch).</summary>
internal static class Buffers
{
    public static float[] Ensure(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length) buffer = new float[length];
        return buffer;
    }

    public static int[] EnsureInts(ref int[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length) buffer = new int[length];
        return buffer;
    }
}
