using HwFlow.Runtime.Numerics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>Adam's vector loop must give the bytes of the scalar definition (moments in double, step in float).</summary>
public sealed class AdamOptimizerTests
{
    [Theory]
    [InlineData(true, 70_001)]  // several parallel blocks, a tail that is not a whole vector
    [InlineData(false, 13)]
    public void VectorStepEqualsScalarDefinition(bool clip, int length)
    {
        var rng = new SplitMix64(41);
        var value = new float[length];
        GradientCheckTests.Fill(value, rng);
        var parameter = new Parameter("w", (float[])value.Clone(), clipToUnit: clip);
        var adam = new AdamOptimizer([parameter]);
        var m = new float[length];
        var v = new float[length];
        for (int step = 1; step <= 3; step++)
        {
            var gradient = new float[length];
            GradientCheckTests.Fill(gradient, rng);
            for (int i = 0; i < length; i += 7) gradient[i] *= 300f; // steps that leave [-1, 1]
            gradient.CopyTo(parameter.Gradient, 0);
            double rate = 0.003 / step;
            adam.Step(rate);
            double c1 = 1 - Math.Pow(0.9, step), c2 = 1 - Math.Pow(0.999, step);
            float stepSize = (float)(rate * Math.Sqrt(c2) / c1);
            float epsilon = (float)(1e-8 * Math.Sqrt(c2));
            for (int i = 0; i < length; i++)
            {
                float g = gradient[i];
                m[i] = (float)((0.9 * m[i]) + ((1 - 0.9) * g));
                v[i] = (float)((0.999 * v[i]) + ((1 - 0.999) * g * g));
                value[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) + epsilon);
                if (clip) value[i] = Math.Clamp(value[i], -1f, 1f);
            }
            Assert.Equal(value, parameter.Value);
            Assert.All(parameter.Gradient, g => Assert.Equal(0f, g));
        }
        Assert.Contains(value, w => Math.Abs(w) == 1f || !clip);
    }
}
