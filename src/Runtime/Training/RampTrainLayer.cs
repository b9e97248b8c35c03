using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Training;

/// <summary>The seed's Ramp, max(0, x); the gradient passes where x &gt; 0.</summary>
public sealed class RampTrainLayer(int features) : ITrainLayer
{
    private float[]? _output;
    private float[]? _inputGradient;

    public int Inputs => features;
    public int Outputs => features;
    public IReadOnlyList<Parameter> Parameters => [];

    public float[] Forward(float[] input, int rows, bool training)
    {
        var y = Buffers.Ensure(ref _output, rows * features);
        for (int i = 0; i < y.Length; i++) y[i] = input[i] > 0 ? input[i] : 0f;
        return y;
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var y = _output!;
        var dx = Buffers.Ensure(ref _inputGradient, rows * features);
        for (int i = 0; i < dx.Length; i++) dx[i] = y[i] > 0 ? outputGradient[i] : 0f;
        return dx;
    }

    public Layer Export() => new Ramp();
}
