using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Training;

/// <summary>The seed's BinarizeLayer, hbActForward: hb(x, k) with the gradient of <see cref="HadamardRows"/>.</summary>
public sealed class BinarizeTrainLayer(int features, int chunk, bool unipolar, ScaleMode scales) : ITrainLayer
{
    private float[]? _output;
    private float[]? _scales;
    private float[]? _input;
    private float[]? _inputGradient;

    public int Inputs => features;
    public int Outputs => features;
    public IReadOnlyList<Parameter> Parameters => [];

    public float[] Forward(float[] input, int rows, bool training)
    {
        var y = Buffers.Ensure(ref _output, rows * features);
        var s = Buffers.Ensure(ref _scales, rows * HadamardRows.ChunksPerRow(features, chunk));
        HadamardRows.Forward(input, y, s, rows, features, chunk, unipolar, scales);
        if (training) _input = input;
        return y;
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var x = _input ?? throw new InvalidOperationException("Backward before a training Forward");
        var dx = Buffers.Ensure(ref _inputGradient, rows * features);
        HadamardRows.Backward(x, _scales!, outputGradient, dx, rows, features, chunk, unipolar);
        return dx;
    }

    public Layer Export() => new BinarizeLayer();
}
