using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Training;

/// <summary>
/// BNN activation: s(x) = +1 if x &gt;= 0 else -1 forward; backward the straight-through
/// estimator, the gradient passed unchanged where |x| &lt;= 1 and zero elsewhere (the derivative
/// of the hard tanh, Courbariaux et al.).
/// </summary>
public sealed class SignTrainLayer(int features) : ITrainLayer
{
    private float[]? _output;
    private float[]? _input;
    private float[]? _inputGradient;

    public int Inputs => features;
    public int Outputs => features;
    public IReadOnlyList<Parameter> Parameters => [];

    public float[] Forward(float[] input, int rows, bool training)
    {
        var y = Buffers.Ensure(ref _output, rows * features);
        for (int i = 0; i < y.Length; i++) y[i] = input[i] >= 0 ? 1f : -1f;
        if (training) _input = input;
        return y;
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var x = _input ?? throw new InvalidOperationException("Backward before a training Forward");
        var dx = Buffers.Ensure(ref _inputGradient, rows * features);
        for (int i = 0; i < dx.Length; i++) dx[i] = Math.Abs(x[i]) <= 1f ? outputGradient[i] : 0f;
        return dx;
    }

    public Layer Export() => new Sign();
}
