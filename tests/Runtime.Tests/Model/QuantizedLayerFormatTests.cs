using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Model;

/// <summary>The layer types of imported models in model.yaml: written, read back bit-identically, and checked when hand-written.</summary>
public sealed class QuantizedLayerFormatTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every new layer type, with scalar (inline) and per-feature (.npy) parameters.</summary>
    private static ModelSpec Sample() => new("quantized", new InputSpec([4], "uint8", 1.0 / 255), 16,
    [
        new Affine(FeatureValues.Scalar(2), FeatureValues.Scalar(-1)),
        new Quant(FeatureValues.Scalar(0.5), FeatureValues.Scalar(0), 2, true, true, RoundingMode.HalfDown),
        new QuantLinear(new Tensor([4, 3], [1, -1, 0, 1, 1, -1, 0, 0, 1, -1, 1, 1]), new FeatureValues([0.5f, 0.25f, 1f])),
        new Affine(new FeatureValues([1f, -2f, 0.5f]), new FeatureValues([0f, 0.5f, 1f])),
        new Clip(-1.5, 2),
        new MultiThreshold(new Tensor([3, 2], [-1f, 0f, -0.5f, 0.5f, 0f, 1f]), 2, -1),
        new QuantLinear(new Tensor([3, 3], [1, -1, 1, -1, 1, 1, 1, 1, -1]), FeatureValues.Scalar(1)),
        new Trunc(FeatureValues.Scalar(1), FeatureValues.Scalar(0), 8, 2, FeatureValues.Scalar(4), true, false, RoundingMode.Floor),
        new BipolarQuant(FeatureValues.Scalar(0.75)),
    ], OutputKind.Scores);

    [Fact]
    public void WrittenModelReadsBackAndComputesTheSame()
    {
        var model = Sample();
        var folder = Path.Combine(_dir.Path, "m");
        ModelWriter.Write(model, folder, force: false);
        var yaml = File.ReadAllText(Path.Combine(folder, "model.yaml"));
        Assert.Contains("- { type: Quant, scale: 0.5, zeroPoint: 0, bits: 2, signed: true, narrow: true, rounding: HALF_DOWN }", yaml);
        Assert.Contains("- { type: QuantLinear, weights: w2.npy, scale: scale2.npy }", yaml);
        var back = ModelLoader.Load(folder);
        Assert.Equal(model.Layers.Select(l => l.Type), back.Layers.Select(l => l.Type));
        var raw = Enumerable.Range(0, 400).Select(i => (byte)(i * 53 % 256)).ToArray();
        var x = Matrix.FromBytes(raw, 100, 4, model.Input.Scale);
        Assert.Equal(new FloatEvaluator(model).Evaluate(x).Data, new FloatEvaluator(back).Evaluate(x).Data);

        var again = Path.Combine(_dir.Path, "again");
        ModelWriter.Write(back, again, force: false);
        foreach (var file in Directory.GetFiles(folder))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(again, Path.GetFileName(file))));
    }

    [Theory]
    [InlineData("rounding: HALF_DOWN", "rounding: SIDEWAYS", "unknown rounding 'SIDEWAYS' (expected one of: ROUND, CEIL, FLOOR, UP, DOWN, HALF_UP, HALF_DOWN)")]
    [InlineData("bits: 2,", "bits: 9,", "bits must be between 1 and 8, got 9")]
    [InlineData("{ type: Clip, min: -1.5, max: 2 }", "{ type: Clip, min: 3, max: 2 }", "min 3 is above max 2")]
    [InlineData("type: BipolarQuant, scale: 0.75", "type: BipolarQuant, scale: -0.75", "every scale must be positive")]
    public void BadSettingsAreRefusedWithTheirLine(string from, string to, string expected)
    {
        var folder = Path.Combine(_dir.Path, "m");
        ModelWriter.Write(Sample(), folder, force: false);
        var path = Path.Combine(folder, "model.yaml");
        File.WriteAllText(path, File.ReadAllText(path).Replace(from, to));
        var e = Assert.Throws<UserError>(() => ModelLoader.Load(folder));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path + ":", e.Message);
    }

    [Fact]
    public void UnsortedThresholdsAndNonIntegerWeightsAreRefused()
    {
        var folder = Path.Combine(_dir.Path, "m");
        ModelWriter.Write(Sample(), folder, force: false);
        NpyFile.Write(Path.Combine(folder, "thresholds5.npy"), new Tensor([3, 2], [-1f, 0f, 0.5f, -0.5f, 0f, 1f]));
        Assert.Contains("thresholds of row 1 are not sorted (0.5 before -0.5 at step 1)", Assert.Throws<UserError>(() => ModelLoader.Load(folder)).Message);
        ModelWriter.Write(Sample(), folder, force: true);
        NpyFile.Write(Path.Combine(folder, "w6.npy"), new Tensor([3, 3], [1, -1, 1, -1, 1, 1, 1, 0.5f, -1]));
        Assert.Contains("weights[7] = 0.5 is not an integer level", Assert.Throws<UserError>(() => ModelLoader.Load(folder)).Message);
    }

    [Fact]
    public void PerFeatureParametersMustMatchTheWidth()
    {
        var folder = Path.Combine(_dir.Path, "m");
        ModelWriter.Write(Sample(), folder, force: false);
        NpyFile.Write(Path.Combine(folder, "scale3.npy"), new Tensor([2], [1f, 2f]));
        Assert.Contains("layer 3 (Affine): scale has 2 values, expected one or 3 (one per feature)", Assert.Throws<UserError>(() => ModelLoader.Load(folder)).Message);
    }
}
