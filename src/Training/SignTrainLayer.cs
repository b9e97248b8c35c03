using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>
/// BNN activation: s(x) = +1 if x &gt;= 0 else -1 forward; backward the straight-through
/// estimator, the gradient passed unchanged where |x| &lt;= 1 and zero elsewhere (the derivative
/// of the hard tanh, Courbariaux et al.).
/// </summary>
public sealed class SignTrainLayer(int features) : ActivationTrainLayer(features)
{
    protected override void Apply(float[] x, float[] y, int rows)
    {
        for (int i = 0; i < y.Length; i++) y[i] = x[i] >= 0 ? 1f : -1f;
    }

    protected override void Gradient(float[] x, float[] y, float[] dy, float[] dx, int rows)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = Math.Abs(x[i]) <= 1f ? dy[i] : 0f;
    }

    public override Layer Export() => new Sign();
}
