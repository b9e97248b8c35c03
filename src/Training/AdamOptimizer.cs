namespace HwFlow.Training;

/// <summary>
/// Adam (Kingma and Ba), as Courbariaux et al. train BNNs with it. After each step the latent
/// weights of binarized layers are clipped to [-1, 1]; gradients are cleared for the next batch.
/// </summary>
public sealed class AdamOptimizer
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _firstMoment;
    private readonly float[][] _secondMoment;
    private long _steps;

    public AdamOptimizer(IReadOnlyList<Parameter> parameters)
    {
        _parameters = parameters;
        _firstMoment = parameters.Select(p => new float[p.Value.Length]).ToArray();
        _secondMoment = parameters.Select(p => new float[p.Value.Length]).ToArray();
    }

    public void Step(double learningRate)
    {
        _steps++;
        double correction1 = 1 - Math.Pow(Beta1, _steps);
        double correction2 = 1 - Math.Pow(Beta2, _steps);
        float stepSize = (float)(learningRate * Math.Sqrt(correction2) / correction1);
        float epsilon = (float)(Epsilon * Math.Sqrt(correction2));
        for (int p = 0; p < _parameters.Count; p++)
        {
            var parameter = _parameters[p];
            var value = parameter.Value;
            var gradient = parameter.Gradient;
            var m = _firstMoment[p];
            var v = _secondMoment[p];
            // every element on its own: blocks on all cores give the same bytes as one loop
            Blocks.For(value.Length, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    float g = gradient[i];
                    m[i] = (float)((Beta1 * m[i]) + ((1 - Beta1) * g));
                    v[i] = (float)((Beta2 * v[i]) + ((1 - Beta2) * g * g));
                    value[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) + epsilon);
                }
                if (parameter.ClipToUnit)
                {
                    for (int i = start; i < end; i++) value[i] = Math.Clamp(value[i], -1f, 1f);
                }
                gradient.AsSpan(start, end - start).Clear();
            });
        }
    }
}
