using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Model;

public sealed class WalshHadamardFormatTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ModelSpec Model()
    {
        var rng = new SplitMix64(4);
        var signs = new Tensor([8], WalshHadamardTransform.SignsFromSeed(21, 8));
        var scale = SampleModels.Gaussian(rng, 8);
        return new ModelSpec("wht", new InputSpec([6], "uint8", 1.0 / 255), 4,
        [
            new WalshHadamard(8, signs, 21, 1, scale),
            new WalshHadamard(8, new Tensor([8], WalshHadamardTransform.SignsFromSeed(22, 8)), null, 2, null, SampleModels.Gaussian(rng, 8)),
            new Sign(),
            new BinLayer(SampleModels.Gaussian(rng, 8, 3)),
        ], OutputKind.Class);
    }

    private string Write()
    {
        var folder = _dir.File("m");
        ModelWriter.Write(Model(), folder, force: false);
        return folder;
    }

    private static void Edit(string folder, string from, string to)
    {
        var path = Path.Combine(folder, "model.yaml");
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
    }

    [Fact]
    public void RoundTripsWithSignsAsBytesAndTheSeedRecorded()
    {
        var folder = Write();
        var yaml = File.ReadAllText(Path.Combine(folder, "model.yaml"));
        Assert.Contains("- { type: WalshHadamard, size: 8, seed: 21, shift: 1, signs: d0.npy, scale: s0.npy }", yaml);
        Assert.Contains("- { type: WalshHadamard, size: 8, shift: 2, signs: d1.npy, bias: b1.npy }", yaml);
        Assert.Equal(NpyDType.Int8, NpyFile.Read(Path.Combine(folder, "d0.npy")).Type);
        var back = ModelLoader.Load(folder);
        var first = (WalshHadamard)back.Layers[0];
        Assert.Equal((8, 21UL, 1), (first.Size, first.Seed!.Value, first.Shift));
        Assert.Equal(WalshHadamardTransform.SignsFromSeed(21, 8), first.Signs.Data);
        Assert.True(((WalshHadamard)Model().Layers[0]).Scale!.BitEquals(first.Scale!));
        Assert.Null(((WalshHadamard)back.Layers[1]).Seed);
        var again = _dir.File("again");
        ModelWriter.Write(back, again, force: false);
        foreach (var file in Directory.GetFiles(folder))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(again, Path.GetFileName(file))));
    }

    [Fact]
    public void TheReferenceEvaluatesTheLoadedModel()
    {
        var model = ModelLoader.Load(Write());
        var x = Matrix.FromBytes([10, 0, 200, 3, 255, 7], 1, 6, 1.0 / 255);
        var all = new FloatEvaluator(model).EvaluateAll(x);
        Assert.Equal(8, all[1].Columns);
        var first = (WalshHadamard)model.Layers[0];
        var expected = new double[8];
        for (int i = 0; i < 6; i++) expected[i] = first.Signs.Data[i] * x[0, i];
        WalshHadamardTransform.Transform(expected);
        Assert.Equal(expected.Select((v, i) => v / 2 * first.Scale!.Data[i]), all[1].Data);
        Assert.Equal(3, all[^1].Columns);
    }

    [Fact]
    public void SummaryCountsASignAsOneBit()
    {
        var row = ModelSummary.Of(Model()).Layers[0];
        Assert.Equal((6, 8, 16L), (row.Inputs, row.Outputs, row.Parameters));
        Assert.Equal((8 * 1) + (8 * 32), row.BinaryBits);
        Assert.Equal("transform 3 stages", row.Binarization);
    }

    [Theory]
    [InlineData("size: 8, seed", "size: 12, seed", "size must be a power of two of at least 2 (the input is zero-padded up to it), got 12")]
    [InlineData("seed: 21,", "seed: 22,", "the signs file does not hold the signs of seed 22 (first difference at index")]
    [InlineData("seed: 21,", "seed: -1,", "seed must be a non-negative integer below 2^64, got '-1'")]
    [InlineData("shift: 1,", "shift: 63,", "shift (the output is multiplied by 2^-shift) must be between 0 and 62, got 63")]
    [InlineData("signs: d0.npy", "signs: s0.npy", "every sign must be +1 or -1")]
    [InlineData("scale: s0.npy", "scale: s0.npy, offset: 3", "unknown key 'offset' in layer 0 (WalshHadamard)")]
    public void BadTransformEntriesAreUserErrors(string from, string to, string message)
    {
        var folder = Write();
        Edit(folder, from, to);
        var e = Assert.Throws<UserError>(() => ModelLoader.Load(folder));
        Assert.Contains(message, e.Message);
        Assert.Contains("model.yaml", e.Message);
    }

    [Fact]
    public void ATransformSmallerThanItsInputIsRefused()
    {
        var small = Model() with { Layers = [new WalshHadamard(4, new Tensor([4], [1, 1, -1, 1]))] };
        var folder = _dir.File("small");
        ModelWriter.Write(small, folder, force: false);
        Assert.Contains("layer 0 (WalshHadamard): size 4 is smaller than the 6 features the previous layer gives (the input is zero-padded up to size, never cut; use size 8 or more)",
            Assert.Throws<UserError>(() => ModelLoader.Load(folder)).Message);
    }

    [Fact]
    public void SignsOfTheWrongLengthAreNamed()
    {
        var folder = Write();
        NpyFile.Write(Path.Combine(folder, "d1.npy"), new Tensor([4], [1, -1, 1, 1]));
        Assert.Contains("layer 1 (WalshHadamard): signs have shape [4], expected [8] (one sign per transform input)",
            Assert.Throws<UserError>(() => ModelLoader.Load(folder)).Message);
    }
}
