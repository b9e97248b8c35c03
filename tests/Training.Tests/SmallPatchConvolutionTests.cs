using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>
/// A convolution with a short receptive field computes its forward product straight from the
/// image (SmallPatchConvolution); im2col + GEMM + bias is the definition it must match, up to the
/// rounding of the sums (OpenBLAS's kernels do not all sum k in one order), in training and in
/// evaluation, and so must its weight and bias gradients.
/// </summary>
public sealed class SmallPatchConvolutionTests
{
    [Theory]
    [InlineData(9, 7, 1, 64, 1, 1, true)]   // the float first layer of fmnist-hbnn-cnn, with a border
    [InlineData(6, 5, 3, 13, 1, 2, true)]   // 27 values a field, outputs not a multiple of the vector
    [InlineData(6, 6, 2, 16, 0, 1, false)]  // no padding, no bias (a +-1 first layer)
    public void DirectProductEqualsGemm(int height, int width, int channels, int outputs, int padding, int stride, bool bias)
    {
        int[] shape = [height, width, channels];
        const int rows = 3;
        var stage = new ConvStage(outputs, 3, padding, stride);
        ConvTrainLayer Layer(bool direct)
        {
            var weights = bias ? WeightBinarization.None : WeightBinarization.Sign;
            var dense = new DenseTrainLayer(3 * 3 * channels, outputs, weights, bias, binLayer: false, hadamardInput: false,
                unipolarInput: false, 16, ScaleMode.Exact, new SplitMix64(31));
            if (bias) GradientCheckTests.Fill(dense.Parameters[1].Value, new SplitMix64(32));
            return new ConvTrainLayer(shape, stage, dense, direct: direct);
        }
        var direct = Layer(true);
        var gemm = Layer(false);
        var rng = new SplitMix64(33);
        var x = new float[rows * direct.Inputs];
        GradientCheckTests.Fill(x, rng);
        for (int i = 0; i < x.Length; i += 5) x[i] = 0f;
        var dy = new float[rows * direct.Outputs];
        GradientCheckTests.Fill(dy, rng);
        AssertClose("evaluation", gemm.Forward(x, rows, training: false), direct.Forward(x, rows, training: false));
        var expected = gemm.Forward(x, rows, training: true);
        AssertClose("training", expected, direct.Forward(x, rows, training: true));
        Assert.Contains(expected, v => v != 0);
        // a first layer: the weight and bias gradients straight from the image
        Assert.Null(direct.Backward(dy, rows, needInputGradient: false));
        gemm.Backward(dy, rows, needInputGradient: false);
        for (int p = 0; p < gemm.Parameters.Count; p++) AssertClose($"gradient {p}", gemm.Parameters[p].Gradient, direct.Parameters[p].Gradient);
        Assert.Contains(direct.Parameters[0].Gradient, v => v != 0);
        // a later layer: the input gradient through im2col and the GEMM, as before
        gemm.Forward(x, rows, training: true);
        direct.Forward(x, rows, training: true);
        Assert.Equal(gemm.Backward(dy, rows, needInputGradient: true), direct.Backward(dy, rows, needInputGradient: true));
        for (int p = 0; p < gemm.Parameters.Count; p++) AssertClose($"gradient {p}", gemm.Parameters[p].Gradient, direct.Parameters[p].Gradient);
    }

    [Fact]
    public void DirectProductIsTheSameEveryRun()
    {
        int[] shape = [28, 28, 1];
        var stage = new ConvStage(64, 3, 1, 1);
        var dense = new DenseTrainLayer(9, 64, WeightBinarization.None, true, binLayer: false, hadamardInput: false,
            unipolarInput: false, 16, ScaleMode.Exact, new SplitMix64(34));
        var layer = new ConvTrainLayer(shape, stage, dense);
        var x = new float[40 * layer.Inputs];
        GradientCheckTests.Fill(x, new SplitMix64(35));
        var first = (float[])layer.Forward(x, 40, training: false).Clone();
        for (int run = 0; run < 3; run++) Assert.Equal(first, layer.Forward(x, 40, training: false));
    }

    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]}, GEMM {expected[i]}");
    }
}
