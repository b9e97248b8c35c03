using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>The seed's Ramp, max(0, x); the gradient passes where x &gt; 0.</summary>
public sealed class RampTrainLayer(int features) : ActivationTrainLayer(features)
{
    protected override void Apply(float[] x, float[] y, int rows) =>
        Blocks.For(y.Length, (start, end) => VectorLoops.Ramp(x.AsSpan(start, end - start), y.AsSpan(start, end - start)));

    protected override void Gradient(float[] x, float[] y, float[] dy, float[] dx, int rows) =>
        Blocks.For(dx.Length, (start, end) => VectorLoops.PassWherePositive(y.AsSpan(start, end - start), dy.AsSpan(start, end - start), dx.AsSpan(start, end - start)));

    public override Layer Export() => new Ramp();
}
