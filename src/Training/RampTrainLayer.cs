using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>The seed's Ramp, max(0, x); the gradient passes where x &gt; 0.</summary>
public sealed class RampTrainLayer(int features) : ActivationTrainLayer(features)
{
    protected override void Apply(float[] x, float[] y, int rows)
    {
        for (int i = 0; i < y.Length; i++) y[i] = x[i] > 0 ? x[i] : 0f;
    }

    protected override void Gradient(float[] x, float[] y, float[] dy, float[] dx, int rows)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = y[i] > 0 ? dy[i] : 0f;
    }

    public override Layer Export() => new Ramp();
}
