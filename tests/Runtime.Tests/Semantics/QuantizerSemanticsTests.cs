using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;
using HwFlow.Tests.Onnx;

namespace HwFlow.Runtime.Tests.Semantics;

/// <summary>
/// The quantizer layers' float semantics against QONNX's definitions: the rounding table of
/// docs/qonnx-custom-ops/intquant_v1.md, and the reference interpreter's Quant, Trunc and
/// MultiThreshold on inputs that sit exactly on ties and thresholds.
/// </summary>
public sealed class QuantizerSemanticsTests
{
    private static readonly double[] TableInputs = [5.5, 2.5, 1.6, 1.1, 1.0, -1.0, -1.1, -1.6, -2.5, -5.5];

    [Theory]
    [InlineData(RoundingMode.Round, new double[] { 6, 2, 2, 1, 1, -1, -1, -2, -2, -6 })]
    [InlineData(RoundingMode.Ceil, new double[] { 6, 3, 2, 2, 1, -1, -1, -1, -2, -5 })]
    [InlineData(RoundingMode.Floor, new double[] { 5, 2, 1, 1, 1, -1, -2, -2, -3, -6 })]
    [InlineData(RoundingMode.Up, new double[] { 6, 3, 2, 2, 1, -1, -2, -2, -3, -6 })]
    [InlineData(RoundingMode.Down, new double[] { 5, 2, 1, 1, 1, -1, -1, -1, -2, -5 })]
    [InlineData(RoundingMode.HalfUp, new double[] { 6, 3, 2, 1, 1, -1, -1, -2, -3, -6 })]
    [InlineData(RoundingMode.HalfDown, new double[] { 5, 2, 2, 1, 1, -1, -1, -2, -2, -5 })]
    public void RoundingFollowsTheQonnxTable(RoundingMode mode, double[] expected) =>
        Assert.Equal(expected, TableInputs.Select(v => Rounding.Apply(v, mode)));

    public static TheoryData<int, bool, bool, double> QuantCases()
    {
        var data = new TheoryData<int, bool, bool, double>();
        foreach (int bits in new[] { 1, 2, 3, 8 })
        {
            foreach (var (signed, narrow) in new[] { (true, false), (true, true), (false, false), (false, true) })
            {
                foreach (double zeroPoint in new[] { 0.0, 1.0 }) data.Add(bits, signed, narrow, zeroPoint);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(QuantCases))]
    public void QuantMatchesTheReferenceOnTiesAndBeyondTheRange(int bits, bool signed, bool narrow, double zeroPoint)
    {
        // every quarter of a step from -300 to 300 steps: ties, integers and clamping
        var x = Enumerable.Range(-2400, 4801).Select(i => i * 0.125).ToArray();
        foreach (var mode in Enum.GetValues<RoundingMode>())
        {
            var layer = new Quant(FeatureValues.Scalar(0.5), FeatureValues.Scalar(zeroPoint), bits, signed, narrow, mode);
            var quantizer = LevelQuantizer.Of(layer)!;
            var expected = QonnxOps.Quant(new RefTensor([x.Length], x), RefTensor.Scalar(0.5), RefTensor.Scalar(zeroPoint), RefTensor.Scalar(bits),
                signed, narrow, RoundingNames.Name(mode), (_, _) => { });
            for (int i = 0; i < x.Length; i++)
                Assert.True(expected.Data[i] == quantizer.Apply(0, x[i]), $"{mode} {bits} bits: Quant({x[i]}) = {quantizer.Apply(0, x[i])}, reference {expected.Data[i]}");
        }
    }

    [Fact]
    public void MultiThresholdCountsThresholdsReachedIncludingEqualOnes()
    {
        var thresholds = new Tensor([2, 3], [-1f, 0f, 0f, 0.5f, 1f, 2f]);
        var layer = new MultiThreshold(thresholds, 2, -3);
        var quantizer = LevelQuantizer.Of(layer)!;
        var x = new double[] { -2, -1, -0.5, 0, 0.5, 1, 2, 3 };
        var reference = QonnxOps.MultiThreshold(new RefTensor([x.Length, 1], x), new RefTensor([1, 3], [-1, 0, 0]), 2, -3, "NCHW", (_, _) => { });
        Assert.Equal(reference.Data, x.Select(v => quantizer.Apply(0, v)));
        Assert.Equal([-3, -1, -1, 3, 3, 3, 3, 3], x.Select(v => quantizer.Apply(0, v)));
        Assert.Equal([-3, -3, -3, -3, -1, 1, 3, 3], x.Select(v => quantizer.Apply(1, v)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncMatchesTheReference(bool v2)
    {
        var x = Enumerable.Range(-300, 601).Select(i => i * 0.5).ToArray();
        foreach (var mode in new[] { RoundingMode.Floor, RoundingMode.Ceil, RoundingMode.Round })
        {
            var layer = new Trunc(FeatureValues.Scalar(0.5), FeatureValues.Scalar(2), 8, 4, v2 ? FeatureValues.Scalar(8) : null, true, false, mode);
            var quantizer = LevelQuantizer.Of(layer)!;
            RefTensor?[] inputs = v2
                ? [new RefTensor([x.Length], x), RefTensor.Scalar(0.5), RefTensor.Scalar(2), RefTensor.Scalar(8), RefTensor.Scalar(8), RefTensor.Scalar(4)]
                : [new RefTensor([x.Length], x), RefTensor.Scalar(0.5), RefTensor.Scalar(2), RefTensor.Scalar(8), RefTensor.Scalar(4)];
            var expected = QonnxOps.Trunc(inputs, true, false, RoundingNames.Name(mode));
            for (int i = 0; i < x.Length; i++) Assert.Equal(expected.Data[i], quantizer.Apply(0, x[i]));
        }
    }
}
