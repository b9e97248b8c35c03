using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>
/// BNN activation: s(x) = +1 if x &gt;= 0 else -1 forward; backward the straight-through
/// estimator, the gradient passed unchanged where |x| &lt;= 1 and zero elsewhere (the derivative
/// of the hard tanh, Courbariaux et al.).
/// </summary>
public sealed class SignTrainLayer(int features) : ActivationTrainLayer(features)
{
    protected override void Apply(float[] x, float[] y, int rows) => VectorLoops.Sign(x.AsSpan(0, y.Length), y);

    protected override void Gradient(float[] x, float[] y, float[] dy, float[] dx, int rows) => VectorLoops.PassWhereUnit(x.AsSpan(0, dx.Length), dy.AsSpan(0, dx.Length), dx);

    public override Layer Export() => new Sign();
}
