using System.Numerics;

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
            Blocks.For(value.Length, (start, end) => Update(value.AsSpan(start, end - start), gradient.AsSpan(start, end - start),
                m.AsSpan(start, end - start), v.AsSpan(start, end - start), stepSize, epsilon, parameter.ClipToUnit));
        }
    }

    /// <summary>
    /// One block in one pass: the moments in double, the step in float, the clip and the clearing
    /// of the gradient, on vectors. Each lane does the scalar loop's operations in its order (widen,
    /// multiply, add, narrow: IEEE on vectors as on scalars, no fused multiply-add), so the bytes
    /// equal the scalar loop's, which finishes the block's tail.
    /// </summary>
    private static void Update(Span<float> value, Span<float> gradient, Span<float> m, Span<float> v, float stepSize, float epsilon, bool clip)
    {
        var beta1 = new Vector<double>(Beta1);
        var rest1 = new Vector<double>(1 - Beta1);
        var beta2 = new Vector<double>(Beta2);
        var rest2 = new Vector<double>(1 - Beta2);
        var step = new Vector<float>(stepSize);
        var eps = new Vector<float>(epsilon);
        var one = Vector<float>.One;
        int i = 0;
        for (; i <= value.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(gradient[i..]), out var gLow, out var gHigh);
            Vector.Widen(new Vector<float>(m[i..]), out var mLow, out var mHigh);
            Vector.Widen(new Vector<float>(v[i..]), out var vLow, out var vHigh);
            var mNew = Vector.Narrow((beta1 * mLow) + (rest1 * gLow), (beta1 * mHigh) + (rest1 * gHigh));
            var vNew = Vector.Narrow((beta2 * vLow) + (rest2 * gLow * gLow), (beta2 * vHigh) + (rest2 * gHigh * gHigh));
            mNew.CopyTo(m[i..]);
            vNew.CopyTo(v[i..]);
            var w = new Vector<float>(value[i..]) - (step * mNew / (Vector.SquareRoot(vNew) + eps));
            if (clip) w = Vector.Min(Vector.Max(w, -one), one);
            w.CopyTo(value[i..]);
        }
        for (; i < value.Length; i++)
        {
            float g = gradient[i];
            m[i] = (float)((Beta1 * m[i]) + ((1 - Beta1) * g));
            v[i] = (float)((Beta2 * v[i]) + ((1 - Beta2) * g * g));
            value[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) + epsilon);
            if (clip) value[i] = Math.Clamp(value[i], -1f, 1f);
        }
        gradient.Clear();
    }
}
