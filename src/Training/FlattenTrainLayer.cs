using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>Flatten: an image is stored flat (channels-last) already, so values and gradients pass unchanged.</summary>
public sealed class FlattenTrainLayer(int features) : ITrainLayer
{
    public int Inputs => features;
    public int Outputs => features;
    public IReadOnlyList<Parameter> Parameters => [];

    public float[] Forward(float[] input, int rows, bool training) => input;

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient) => needInputGradient ? outputGradient : null;

    public Layer Export() => new Flatten();
}
