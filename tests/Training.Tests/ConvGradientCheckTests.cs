using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>The image layers' analytic gradients against finite differences (<see cref="GradientCheckTests.CheckLayer"/>).</summary>
public sealed class ConvGradientCheckTests
{
    [Fact]
    public void ConvolutionWithPaddingAndStrideWeightsBiasAndInput()
    {
        var rng = new SplitMix64(11);
        // [5, 4, 2] input, 3x3 kernel, padding 1, stride 2: windows that overhang, receptive fields with padding
        var dense = new DenseTrainLayer(3 * 3 * 2, 3, WeightBinarization.None, bias: true, binLayer: false, hadamardInput: false,
            unipolarInput: false, chunk: 4, ScaleMode.Exact, rng);
        var layer = new ConvTrainLayer([5, 4, 2], new ConvStage(3, 3, 1, 2), dense);
        foreach (var p in layer.Parameters) GradientCheckTests.Fill(p.Value, rng);
        Assert.Equal([3, 2, 3], layer.OutputShape);
        GradientCheckTests.CheckLayer(layer, rows: 3, rng);
    }

    [Fact]
    public void MaxPoolPassesTheGradientToEachWindowsWinner()
    {
        var rng = new SplitMix64(12);
        var layer = new MaxPoolTrainLayer([5, 5, 3], new PoolStage(2, 2, PoolEdge.Ceil));
        Assert.Equal([3, 3, 3], layer.OutputShape);
        // distinct values 0.1 apart: no two in a window come within the finite-difference step
        int rows = 2;
        var x = Enumerable.Range(0, rows * layer.Inputs).Select(i => 0.1f * i).OrderBy(_ => rng.NextInt(1 << 30)).ToArray();
        var c = new float[rows * layer.Outputs];
        GradientCheckTests.Fill(c, rng);
        double Loss()
        {
            var y = layer.Forward(x, rows, training: true);
            return y.Select((v, i) => (double)c[i] * v).Sum();
        }
        Loss();
        var dx = (float[])layer.Backward(c, rows, needInputGradient: true)!.Clone();
        Assert.Equal(rows * 27, dx.Count(v => v != 0));
        GradientCheckTests.AssertMatches("input", dx, x, Loss);
    }

    [Fact]
    public void BatchNormPerChannelOverPositions()
    {
        var rng = new SplitMix64(13);
        var layer = new BatchNormTrainLayer(3, positions: 4);
        foreach (var p in layer.Parameters) GradientCheckTests.Fill(p.Value, rng);
        GradientCheckTests.CheckLayer(layer, rows: 3, rng);
    }
}
