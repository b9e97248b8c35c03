using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>The straight-through estimators, the latent-weight clipping and hb's forward pass.</summary>
public sealed class StraightThroughTests
{
    [Fact]
    public void SignPassesTheGradientWhereTheInputIsWithinOne()
    {
        var layer = new SignTrainLayer(6);
        float[] x = [-2f, -1f, -0.5f, 0f, 1f, 1.01f];
        Assert.Equal([-1f, -1f, -1f, 1f, 1f, 1f], layer.Forward(x, 1, training: true));
        var dx = layer.Backward([1f, 2f, 3f, 4f, 5f, 6f], 1, needInputGradient: true)!;
        Assert.Equal([0f, 2f, 3f, 4f, 5f, 0f], dx);
    }

    [Fact]
    public void SignWeightsPassTheGradientWhereTheLatentWeightIsWithinOne()
    {
        var rng = new SplitMix64(1);
        var layer = new DenseTrainLayer(3, 2, WeightBinarization.Sign, bias: false, binLayer: true, hadamardInput: false,
            unipolarInput: false, chunk: 16, ScaleMode.Exact, rng);
        var latent = layer.Parameters[0].Value;
        float[] values = [0.3f, -0.2f, 1.5f, -1f, 0f, -1.25f];
        values.CopyTo(latent, 0);
        float[] x = [1f, -1f, 1f, -1f, -1f, 1f];
        var y = layer.Forward(x, 2, training: true);
        // Deployed weights are the signs (s(0) = +1); latent rows are output neurons.
        float[] signs = [1, -1, 1, -1, 1, -1];
        for (int r = 0; r < 2; r++)
        {
            for (int j = 0; j < 2; j++)
                Assert.Equal(Enumerable.Range(0, 3).Sum(i => x[(r * 3) + i] * signs[(j * 3) + i]), y[(r * 2) + j]);
        }
        float[] dy = [0.5f, -1f, 2f, 0.25f];
        layer.Backward(dy, 2, needInputGradient: false);
        var gradient = layer.Parameters[0].Gradient;
        for (int j = 0; j < 2; j++)
        {
            for (int i = 0; i < 3; i++)
            {
                float full = (dy[j] * x[i]) + (dy[2 + j] * x[3 + i]);
                float expected = Math.Abs(values[(j * 3) + i]) <= 1 ? full : 0f;
                Assert.Equal(expected, gradient[(j * 3) + i]);
            }
        }
    }

    [Fact]
    public void AdamClipsLatentWeightsOfBinarizedLayersOnly()
    {
        var network = NetworkBuilder.Build(Architecture.Parse("8-6-3"), TrainingMode.Bnn, 4, ScaleMode.Exact, seed: 2);
        var floatLayer = new Parameter("float", [0.9f, -0.9f], clipToUnit: false);
        var parameters = network.Parameters.Append(floatLayer).ToList();
        foreach (var p in parameters)
        {
            for (int i = 0; i < p.Gradient.Length; i++) p.Gradient[i] = i % 2 == 0 ? -1f : 1f;
        }
        new AdamOptimizer(parameters).Step(learningRate: 5);
        foreach (var p in network.Parameters.Where(p => p.ClipToUnit))
            Assert.All(p.Value, w => Assert.InRange(w, -1f, 1f));
        Assert.Contains(network.Parameters, p => p.ClipToUnit && p.Value.Contains(1f));
        Assert.Equal(5.9f, floatLayer.Value[0], 1e-4f);
        Assert.Equal(-5.9f, floatLayer.Value[1], 1e-4f);
        Assert.All(parameters, p => Assert.All(p.Gradient, g => Assert.Equal(0f, g)));
    }

    [Theory]
    [InlineData(false, ScaleMode.Exact)]
    [InlineData(true, ScaleMode.Exact)]
    [InlineData(false, ScaleMode.Pow2)]
    [InlineData(true, ScaleMode.Pow2)]
    public void HbForwardIsTheReferenceBinarization(bool unipolar, ScaleMode scales)
    {
        var rng = new SplitMix64(3);
        int rows = 3, features = 11, chunk = 4;
        var x = new float[rows * features];
        GradientCheckTests.Fill(x, rng);
        if (unipolar) x = Array.ConvertAll(x, v => Math.Max(0f, v));
        var y = new BinarizeTrainLayer(features, chunk, unipolar, scales).Forward(x, rows, training: false);
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * features, features).ToArray().Select(v => (double)v).ToArray();
            var expected = new double[features];
            Hadamard.Binarize(row, expected, chunk, unipolar, scales);
            for (int i = 0; i < features; i++) Assert.Equal(expected[i], y[(r * features) + i], 1e-6);
        }
    }

    [Fact]
    public void HbBackwardIsTheStraightThroughTermPlusTheExactGradientThroughTheChunkMean()
    {
        int features = 6, chunk = 3;
        var layer = new BinarizeTrainLayer(features, chunk, unipolar: false, ScaleMode.Exact);
        float[] x = [0.5f, -1.5f, 0.25f, 2f, -0.75f, 0.1f];
        float[] dy = [1f, 2f, -1f, 0.5f, -2f, 3f];
        layer.Forward(x, 1, training: true);
        var dx = layer.Backward(dy, 1, needInputGradient: true)!;
        for (int c = 0; c < 2; c++)
        {
            var indices = Enumerable.Range(c * chunk, chunk).ToArray();
            double mean = indices.Average(i => Math.Abs(x[i]));
            double signed = indices.Sum(i => dy[i] * (x[i] >= 0 ? 1.0 : -1.0));
            foreach (int i in indices)
            {
                double straight = Math.Abs(x[i]) <= 1 ? mean * dy[i] : 0;
                double throughMean = Math.Sign(x[i]) * signed / chunk;
                Assert.Equal(straight + throughMean, dx[i], 1e-5);
            }
        }

        // Away from sign changes hb is differentiable: its true derivative is the chunk-mean term alone.
        double Loss()
        {
            var y = layer.Forward(x, 1, training: true);
            return y.Select((v, i) => (double)v * dy[i]).Sum();
        }
        for (int i = 0; i < features; i++)
        {
            double mean = Enumerable.Range(i / chunk * chunk, chunk).Average(j => Math.Abs(x[j]));
            double straight = Math.Abs(x[i]) <= 1 ? mean * dy[i] : 0;
            double numeric = GradientCheckTests.Central(x, i, Loss, 1e-3f);
            Assert.Equal(dx[i] - straight, numeric, 1e-2);
        }
    }
}
