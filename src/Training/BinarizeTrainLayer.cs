using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>The seed's BinarizeLayer, hbActForward: hb(x, k) with the gradient of <see cref="HadamardRows"/>.</summary>
public sealed class BinarizeTrainLayer(int features, int chunk, bool unipolar, ScaleMode scales) : ActivationTrainLayer(features)
{
    private float[]? _scales;

    protected override void Apply(float[] x, float[] y, int rows)
    {
        var s = Buffers.Ensure(ref _scales, rows * HadamardRows.ChunksPerRow(Inputs, chunk));
        HadamardRows.Forward(x, y, s, rows, Inputs, chunk, unipolar, scales);
    }

    protected override void Gradient(float[] x, float[] y, float[] dy, float[] dx, int rows) =>
        HadamardRows.Backward(x, _scales!, dy, dx, rows, Inputs, chunk, unipolar);

    public override Layer Export() => new BinarizeLayer();
}
