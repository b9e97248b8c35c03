using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>
/// Analytic gradients of the float layers against central finite differences of
/// L = sum(c * layer(x)) for a random c. Layers run in float32, so the step is 1e-2 and the
/// tolerance a few percent of the largest gradient: loose enough for rounding, far tighter
/// than any real mistake (a missing term or a wrong sign is off by the gradient itself).
/// </summary>
public sealed class GradientCheckTests
{
    private const float Step = 1e-2f;

    [Fact]
    public void DenseLayerWeightsBiasAndInput()
    {
        var rng = new SplitMix64(3);
        var layer = new DenseTrainLayer(7, 5, WeightBinarization.None, bias: true, binLayer: false, hadamardInput: false,
            unipolarInput: false, chunk: 4, ScaleMode.Exact, rng);
        foreach (var p in layer.Parameters) Fill(p.Value, rng);
        CheckLayer(layer, rows: 4, rng);
    }

    [Fact]
    public void BatchNormInTrainingMode()
    {
        var rng = new SplitMix64(4);
        var layer = new BatchNormTrainLayer(6);
        foreach (var p in layer.Parameters) Fill(p.Value, rng);
        CheckLayer(layer, rows: 5, rng);
    }

    [Fact]
    public void RampAwayFromTheKink()
    {
        var rng = new SplitMix64(5);
        CheckLayer(new RampTrainLayer(9), rows: 3, rng, awayFromZero: true);
    }

    [Fact]
    public void SoftmaxCrossEntropyGradient()
    {
        var rng = new SplitMix64(6);
        int rows = 3, classes = 4;
        var logits = new float[rows * classes];
        Fill(logits, rng);
        byte[] labels = [2, 0, 3];
        var gradient = new float[logits.Length];
        SoftmaxCrossEntropy.Evaluate(logits, labels, rows, classes, gradient);
        var scratch = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            float saved = logits[i];
            logits[i] = saved + Step;
            double up = SoftmaxCrossEntropy.Evaluate(logits, labels, rows, classes, scratch).Loss;
            logits[i] = saved - Step;
            double down = SoftmaxCrossEntropy.Evaluate(logits, labels, rows, classes, scratch).Loss;
            logits[i] = saved;
            Assert.Equal((up - down) / (2 * Step), gradient[i], 3e-3);
        }
    }

    [Fact]
    public void FloatNetworkEndToEnd()
    {
        // Dense -> BatchNorm -> Ramp -> Dense -> BatchNorm, the float stack, through the loss.
        var network = NetworkBuilder.Build(Architecture.Parse("6-5-3"), TrainingMode.Float, 4, ScaleMode.Exact, seed: 8);
        var rng = new SplitMix64(9);
        int rows = 6;
        var x = new float[rows * 6];
        Fill(x, rng);
        byte[] labels = [0, 1, 2, 1, 0, 2];
        double Loss()
        {
            var logits = network.Forward(x, rows, training: true);
            return SoftmaxCrossEntropy.Evaluate(logits, labels, rows, 3, new float[rows * 3]).Loss;
        }
        var logits = network.Forward(x, rows, training: true);
        var g = new float[rows * 3];
        SoftmaxCrossEntropy.Evaluate(logits, labels, rows, 3, g);
        network.Backward(g, rows);
        foreach (var parameter in network.Parameters)
        {
            var analytic = (float[])parameter.Gradient.Clone();
            double scale = analytic.Max(Math.Abs) + 1e-3;
            for (int i = 0; i < parameter.Value.Length; i++)
            {
                double numeric = Central(parameter.Value, i, Loss, 1e-3f);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 0.05 * scale,
                    $"{parameter.Name}[{i}]: analytic {analytic[i]}, numeric {numeric}");
            }
        }
    }

    internal static void CheckLayer(ITrainLayer layer, int rows, SplitMix64 rng, bool awayFromZero = false)
    {
        var x = new float[rows * layer.Inputs];
        Fill(x, rng);
        if (awayFromZero)
        {
            for (int i = 0; i < x.Length; i++) x[i] += x[i] >= 0 ? 0.1f : -0.1f;
        }
        var c = new float[rows * layer.Outputs];
        Fill(c, rng);
        double Loss()
        {
            var y = layer.Forward(x, rows, training: true);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)c[i] * y[i];
            return sum;
        }
        Loss();
        foreach (var p in layer.Parameters) Array.Clear(p.Gradient);
        var dx = (float[])layer.Backward(c, rows, needInputGradient: true)!.Clone();
        AssertMatches("input", dx, x, Loss);
        foreach (var p in layer.Parameters) AssertMatches(p.Name, (float[])p.Gradient.Clone(), p.Value, Loss);
    }

    internal static void AssertMatches(string what, float[] analytic, float[] values, Func<double> loss)
    {
        double scale = analytic.Max(Math.Abs) + 1e-3;
        for (int i = 0; i < values.Length; i++)
        {
            double numeric = Central(values, i, loss, Step);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 0.02 * scale, $"{what}[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    internal static double Central(float[] values, int i, Func<double> loss, float step)
    {
        float saved = values[i];
        values[i] = saved + step;
        double up = loss();
        values[i] = saved - step;
        double down = loss();
        values[i] = saved;
        return (up - down) / (2 * step);
    }

    internal static void Fill(float[] values, SplitMix64 rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)rng.NextGaussian();
    }
}
