using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>
/// A BinConv2D with unipolar hb per pixel takes its forward product from bits
/// (PackedHadamardProduct); im2col + GEMM of the binarized floats is the definition it must
/// match, up to the rounding of the sum's order, in training and evaluation, with zero pixels,
/// zero chunks and padding; the backward pass after it is the GEMM path's, bit for bit. The same
/// for a BinLayer with unipolar hb of its input, incl. a short last chunk. Not beside
/// TwoThreadGemmTests: its GEMMs would set OpenBLAS's thread count while that test checks it.
/// </summary>
[Collection(TwoThreadGemmTests.ThreadCount)]
public sealed class PackedHadamardProductTests
{
    [Theory]
    [InlineData(6, 5, 32, 16, 40, 1, 1)]  // outputs: 4 vectors, then 1
    [InlineData(7, 6, 16, 8, 13, 1, 2)]   // outputs not a multiple of 8, stride 2
    [InlineData(5, 5, 64, 16, 128, 0, 1)] // fmnist-hbnn-cnn's BinConv2D widths, no padding
    [InlineData(4, 4, 24, 8, 9, 1, 1)]    // 3 chunks a pixel: a pair of chunks spans two taps
    public void PackedForwardEqualsGemm(int height, int width, int channels, int chunk, int outputs, int padding, int stride)
    {
        int[] shape = [height, width, channels];
        const int rows = 3;
        var stage = new ConvStage(outputs, 3, padding, stride);
        ConvTrainLayer Layer(bool packed)
        {
            var dense = new DenseTrainLayer(3 * 3 * channels, outputs, WeightBinarization.Hadamard, bias: false, binLayer: true, hadamardInput: true,
                unipolarInput: true, chunk, ScaleMode.Exact, new SplitMix64(41));
            // a whole chunk of zero weights (scale 0) and single zero weights (sign +1)
            var w = dense.Parameters[0].Value;
            w.AsSpan(0, chunk).Clear();
            for (int i = chunk; i < w.Length; i += 11) w[i] = 0f;
            return new ConvTrainLayer(shape, stage, dense, packed: packed);
        }
        var packed = Layer(true);
        var gemm = Layer(false);
        var rng = new SplitMix64(42);
        var x = new float[rows * packed.Inputs];
        GradientCheckTests.Fill(x, rng);
        // non-negative (after Ramp), with zero values, zero chunks and whole zero pixels
        for (int i = 0; i < x.Length; i++) x[i] = i % 5 == 0 || i / chunk % 7 == 3 || i / channels % 6 == 2 ? 0f : Math.Abs(x[i]);
        var dy = new float[rows * packed.Outputs];
        GradientCheckTests.Fill(dy, rng);

        AssertPackedEqualsGemm(gemm, packed, x, dy, rows);
    }

    [Theory]
    [InlineData(70, 16, 37)]   // a short last chunk (6 values), outputs 32 + 5
    [InlineData(6272, 16, 256)] // fmnist-hbnn-cnn's hidden BinLayer
    [InlineData(45, 8, 8)]     // an odd chunk count: the last pair has one chunk
    public void PackedDenseForwardEqualsGemm(int inputs, int chunk, int outputs)
    {
        const int rows = 5;
        DenseTrainLayer Layer(bool packed)
        {
            var layer = new DenseTrainLayer(inputs, outputs, WeightBinarization.Hadamard, bias: false, binLayer: true, hadamardInput: true,
                unipolarInput: true, chunk, ScaleMode.Exact, new SplitMix64(45)) { PackedForward = packed };
            layer.Parameters[0].Value.AsSpan(chunk, chunk).Clear();
            return layer;
        }
        var packed = Layer(true);
        var gemm = Layer(false);
        var rng = new SplitMix64(46);
        var x = new float[rows * inputs];
        GradientCheckTests.Fill(x, rng);
        for (int i = 0; i < x.Length; i++) x[i] = i % 3 == 0 || i / chunk % 5 == 1 ? 0f : Math.Abs(x[i]);
        var dy = new float[rows * outputs];
        GradientCheckTests.Fill(dy, rng);

        AssertPackedEqualsGemm(gemm, packed, x, dy, rows);
        // new latent weights: the packed weights follow them
        foreach (var layer in new[] { gemm, packed }) layer.Parameters[0].Value[1] = -layer.Parameters[0].Value[1] - 0.5f;
        AssertClose("evaluation after a step", gemm.Forward(x, rows, training: false), packed.Forward(x, rows, training: false));
    }

    [Fact]
    public void PackedForwardIsTheSameEveryRun()
    {
        int[] shape = [14, 14, 64];
        var stage = new ConvStage(128, 3, 1, 1);
        var dense = new DenseTrainLayer(576, 128, WeightBinarization.Hadamard, bias: false, binLayer: true, hadamardInput: true,
            unipolarInput: true, 16, ScaleMode.Exact, new SplitMix64(43));
        var layer = new ConvTrainLayer(shape, stage, dense);
        var x = new float[4 * layer.Inputs];
        GradientCheckTests.Fill(x, new SplitMix64(44));
        for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0f, x[i]);
        var first = (float[])layer.Forward(x, 4, training: false).Clone();
        for (int run = 0; run < 3; run++) Assert.Equal(first, layer.Forward(x, 4, training: run % 2 == 0));
    }

    /// <summary>|packed - gemm| within float rounding of a long sum, relative to the largest output.</summary>
    /// <summary>Forward in evaluation and in training close to the GEMM path's (up to the sum's order), backward and weight gradients equal to it bit for bit.</summary>
    private static void AssertPackedEqualsGemm(ITrainLayer gemm, ITrainLayer packed, float[] x, float[] dy, int rows)
    {
        var evaluation = gemm.Forward(x, rows, training: false);
        AssertClose("evaluation", evaluation, packed.Forward(x, rows, training: false));
        Assert.Contains(evaluation, v => Math.Abs(v) > 0.1f);
        AssertClose("training", gemm.Forward(x, rows, training: true), packed.Forward(x, rows, training: true));
        Assert.Equal(gemm.Backward(dy, rows, needInputGradient: true), packed.Backward(dy, rows, needInputGradient: true));
        Assert.Equal(gemm.Parameters[0].Gradient, packed.Parameters[0].Gradient);
    }

    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float largest = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6f * (largest + Math.Abs(expected[i])), $"{what}[{i}]: packed {actual[i]}, GEMM {expected[i]}");
    }
}
