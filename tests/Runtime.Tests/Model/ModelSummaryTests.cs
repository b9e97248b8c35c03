using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Model;

/// <summary>`hwflow info`'s sizes: float32 as stored, binary as deployed.</summary>
public sealed class ModelSummaryTests
{
    private static ModelSpec FirstLayer(Layer first) =>
        new("m", new InputSpec([6], "uint8", 1.0 / 255), 4, [first, new Ramp(), new BinLayer(new Tensor([3, 2], [1, -2, 3, -4, 5, -6]))], OutputKind.Class);

    [Fact]
    public void A_plus_minus_c_first_layer_takes_one_bit_per_weight_and_c_as_one_float()
    {
        var weights = new Tensor([6, 3], [.. Enumerable.Range(0, 18).Select(i => i % 3 == 0 ? -0.25f : 0.25f)]);
        var row = ModelSummary.Of(FirstLayer(new LinearLayer(weights))).Layers[0];
        Assert.Equal(18, row.Parameters);
        Assert.Equal(32 * 18, row.FloatBits);
        Assert.Equal(18 + 32, row.BinaryBits);
        Assert.Equal("+-1 weights", row.Binarization);

        // A bias stays float32.
        var biased = ModelSummary.Of(FirstLayer(new LinearLayer(weights, new Tensor([3], [0.5f, 0, -1])))).Layers[0];
        Assert.Equal(18 + 32 + (3 * 32), biased.BinaryBits);
    }

    [Fact]
    public void A_real_valued_first_layer_stays_float32()
    {
        var weights = new Tensor([6, 3], [.. Enumerable.Range(0, 18).Select(i => 0.1f * (i - 9))]);
        var row = ModelSummary.Of(FirstLayer(new LinearLayer(weights))).Layers[0];
        Assert.Equal(row.FloatBits, row.BinaryBits);
        Assert.Equal("-", row.Binarization);
        // +-c with two magnitudes is not binary either.
        var twoMagnitudes = new Tensor([6, 3], [.. Enumerable.Range(0, 18).Select(i => i == 0 ? 0.5f : 0.25f)]);
        Assert.Equal(32 * 18, ModelSummary.Of(FirstLayer(new LinearLayer(twoMagnitudes))).Layers[0].BinaryBits);
    }
}
