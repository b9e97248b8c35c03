using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>
/// A BinConv2D whose hb chunks lie inside one pixel's channels binarizes each pixel once before
/// im2col; the per-receptive-field path is the definition it must match: the same outputs bit
/// for bit, the same gradients up to the rounding of the sums' order.
/// </summary>
public sealed class PixelBinarizationTests
{
    [Theory]
    [InlineData(true, 1, 1)]
    [InlineData(false, 1, 1)]
    [InlineData(true, 1, 2)]
    [InlineData(true, 0, 1)]
    public void PerPixelHbMatchesPerFieldHb(bool unipolar, int padding, int stride)
    {
        int[] shape = [5, 6, 8];
        const int chunk = 4, rows = 3;
        var stage = new ConvStage(5, 3, padding, stride);
        ConvTrainLayer Layer(bool byPixel)
        {
            var dense = new DenseTrainLayer(3 * 3 * 8, 5, WeightBinarization.Hadamard, bias: false, binLayer: true, hadamardInput: true,
                unipolarInput: unipolar, chunk, ScaleMode.Exact, new SplitMix64(21)) { PackedForward = false };
            return new ConvTrainLayer(shape, stage, dense, binarizeByPixel: byPixel, packed: false);
        }
        var byPixel = Layer(true);
        var byField = Layer(false);
        var rng = new SplitMix64(22);
        var x = new float[rows * byPixel.Inputs];
        GradientCheckTests.Fill(x, rng);
        // unipolar hb sees non-negative activations (after Ramp); whole pixels of zeros as well
        if (unipolar) for (int i = 0; i < x.Length; i++) x[i] = i / 8 % 7 == 3 ? 0f : Math.Abs(x[i]);
        var dy = new float[rows * byPixel.Outputs];
        GradientCheckTests.Fill(dy, rng);

        Assert.Equal(byField.Forward(x, rows, training: true), byPixel.Forward(x, rows, training: true));
        var dxField = byField.Backward(dy, rows, needInputGradient: true)!;
        var dxPixel = byPixel.Backward(dy, rows, needInputGradient: true)!;
        AssertClose("input gradient", dxField, dxPixel);
        AssertClose("weight gradient", byField.Parameters[0].Gradient, byPixel.Parameters[0].Gradient);
        Assert.Contains(dxPixel, v => v != 0);
    }

    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]}, per field {expected[i]}");
    }
}
