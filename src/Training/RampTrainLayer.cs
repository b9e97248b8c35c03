using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>The seed's Ramp, max(0, x); the gradient passes where x &gt; 0.</summary>
public sealed class RampTrainLayer(int features) : ActivationTrainLayer(features)
{
    protected override void Apply(float[] x, float[] y, int rows) => VectorLoops.Ramp(x.AsSpan(0, y.Length), y);

    protected override void Gradient(float[] x, float[] y, float[] dy, float[] dx, int rows) => VectorLoops.PassWherePositive(y, dy.AsSpan(0, dx.Length), dx);

    public override Layer Export() => new Ramp();
}
