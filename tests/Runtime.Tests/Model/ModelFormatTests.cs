using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Model;

public sealed class ModelFormatTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteSample()
    {
        var folder = Path.Combine(_dir.Path, "m");
        ModelWriter.Write(SampleModels.SeedStyle(), folder, force: false);
        return folder;
    }

    private UserError LoadError(string folder) => Assert.Throws<UserError>(() => ModelLoader.Load(folder));

    private void EditYaml(string folder, string from, string to)
    {
        var path = Path.Combine(folder, "model.yaml");
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
    }

    [Fact]
    public void WriterRoundTripsEveryLayerAndTensor()
    {
        var model = SampleModels.SeedStyle();
        var folder = WriteSample();
        var back = ModelLoader.Load(folder);
        Assert.Equal(model.Name, back.Name);
        Assert.Equal(model.Input.Shape, back.Input.Shape);
        Assert.Equal(model.Input.Scale, back.Input.Scale);
        Assert.Equal(model.BinAggression, back.BinAggression);
        Assert.Equal(model.Output, back.Output);
        Assert.Equal(model.Layers.Select(l => (l.Type, l.BinAggression)), back.Layers.Select(l => (l.Type, l.BinAggression)));
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var expected = model.Layers[i].Tensors().ToList();
            var actual = back.Layers[i].Tensors().ToList();
            Assert.Equal(expected.Select(t => t.Key), actual.Select(t => t.Key));
            Assert.All(expected.Zip(actual), pair => Assert.True(pair.First.Tensor.BitEquals(pair.Second.Tensor)));
        }
        Assert.Equal(((BatchNorm)model.Layers[1]).Eps, ((BatchNorm)back.Layers[1]).Eps);

        // Writing what was loaded gives the same bytes: the format is stable.
        var again = Path.Combine(_dir.Path, "again");
        ModelWriter.Write(back, again, force: false);
        foreach (var file in Directory.GetFiles(folder))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(again, Path.GetFileName(file))));
    }

    [Fact]
    public void ParsesTheDesignDocumentExample()
    {
        var folder = Path.Combine(_dir.Path, "design");
        Directory.CreateDirectory(folder);
        var rng = new Numerics.SplitMix64(3);
        void Save(string name, params int[] shape) => NpyFile.Write(Path.Combine(folder, name), SampleModels.Gaussian(rng, shape));
        Save("w0.npy", 784, 256); Save("b0.npy", 256); Save("m1.npy", 256); Save("g1.npy", 256); Save("b1.npy", 256);
        NpyFile.Write(Path.Combine(folder, "v1.npy"), new Tensor([256], Enumerable.Repeat(1f, 256).ToArray()));
        Save("w2.npy", 256, 256); Save("w3.npy", 256, 10);
        File.WriteAllText(Path.Combine(folder, "model.yaml"), """
            format: hwflow-model/1
            name: fmnist-hbnn-mlp
            input: { shape: [784], type: uint8, scale: 0.00392156862745098 }   # real = raw * scale
            binAggression: 16            # default chunk length for Hadamard binarization
            layers:
              - { type: LinearLayer, weights: w0.npy, bias: b0.npy }   # Dot[x, W], W is [in, out]
              - { type: BatchNorm, mean: m1.npy, var: v1.npy, gamma: g1.npy, beta: b1.npy, eps: 1e-4 }
              - { type: Ramp }
              - { type: BinarizeLayer }                                  # hbActForward
              - { type: BinLayer, weights: w2.npy }                      # Dot[hbAct(x), hbW(W)]
              - { type: Ramp }
              - { type: BinLayer, weights: w3.npy, binAggression: 8 }
              - { type: Sigmoid }
            output: class            # class (argmax) or scores
            """);
        var model = ModelLoader.Load(folder);
        Assert.Equal(8, model.Layers.Count);
        Assert.Equal(16, model.ChunkLength(model.Layers[4]));
        Assert.Equal(8, model.ChunkLength(model.Layers[6]));
        Assert.Equal(1e-4, ((BatchNorm)model.Layers[1]).Eps);
        Assert.Equal([784, 256, 256, 256, 256, 256, 256, 10, 10], model.FeatureCounts());
    }

    [Fact]
    public void MalformedYamlReportsFileLineAndColumn()
    {
        var folder = WriteSample();
        EditYaml(folder, "  - { type: Ramp }", "  - { type: Ramp ]");
        var e = LoadError(folder);
        var yaml = Path.Combine(folder, "model.yaml");
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(yaml)}:\\d+:\\d+: malformed YAML", e.Message);
    }

    [Fact]
    public void UnknownLayerTypeListsTheKnownOnesAtItsLine()
    {
        var folder = WriteSample();
        EditYaml(folder, "  - { type: Ramp }", "  - { type: Swish }");
        var e = LoadError(folder);
        Assert.Contains("model.yaml:8:", e.Message);
        Assert.Contains("unknown layer type 'Swish'", e.Message);
        Assert.Contains("LinearLayer, BinLayer, BatchNorm, Ramp, BinarizeLayer, Sigmoid, Sign, HardTanh", e.Message);
    }

    [Fact]
    public void MissingTensorFileIsNamed()
    {
        var folder = WriteSample();
        File.Delete(Path.Combine(folder, "w4.npy"));
        var e = LoadError(folder);
        Assert.Contains("model.yaml:10:", e.Message);
        Assert.Contains("tensor file 'w4.npy' does not exist", e.Message);
    }

    [Fact]
    public void TruncatedTensorIsNamedWithTheLayer()
    {
        var folder = WriteSample();
        var path = Path.Combine(folder, "w0.npy");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^3]);
        var e = LoadError(folder);
        Assert.Contains("layer 0 (LinearLayer) weights 'w0.npy': truncated data", e.Message);
    }

    [Fact]
    public void WrongDtypeTensorIsRejected()
    {
        var folder = WriteSample();
        var path = Path.Combine(folder, "w0.npy");
        var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path));
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(text.Replace("'<f4'", "'<f2'")));
        Assert.Contains("'<f2' is not supported", LoadError(folder).Message);
    }

    [Fact]
    public void IntegerTensorsAreAccepted()
    {
        var folder = WriteSample();
        NpyFile.Write(Path.Combine(folder, "w4.npy"), NpyArray.FromSBytes([6, 5], Enumerable.Range(0, 30).Select(i => (sbyte)(i % 2 == 0 ? 1 : -1)).ToArray()));
        var model = ModelLoader.Load(folder);
        Assert.Equal([1f, -1f], ((BinLayer)model.Layers[4]).Weights.Data[..2]);
    }

    [Fact]
    public void ShapeMismatchNamesTheLayerAndBothShapes()
    {
        var folder = WriteSample();
        NpyFile.Write(Path.Combine(folder, "w4.npy"), Tensor.Zeros(7, 5));
        var e = LoadError(folder);
        Assert.Contains("layer 4 (BinLayer): weights [7, 5] expect 7 inputs, but the previous layer gives 6", e.Message);
    }

    [Fact]
    public void BatchNormLengthMismatchIsRejected()
    {
        var folder = WriteSample();
        NpyFile.Write(Path.Combine(folder, "g1.npy"), Tensor.Zeros(5));
        Assert.Contains("layer 1 (BatchNorm): gamma has shape [5], but the previous layer gives 6 features", LoadError(folder).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteWeightsAreRejected(float bad)
    {
        var folder = WriteSample();
        var weights = Tensor.Zeros(6, 5);
        weights.Data[13] = bad;
        NpyFile.Write(Path.Combine(folder, "w4.npy"), weights);
        var e = LoadError(folder);
        Assert.Contains("'w4.npy' holds", e.Message);
        Assert.Contains("at flat index 13", e.Message);
    }

    [Theory]
    [InlineData("binAggression: 4\n", "binAggression: 0\n", "binAggression must be at least 1, got 0")]
    [InlineData("binAggression: 2 }", "binAggression: -3 }", "binAggression must be at least 1, got -3")]
    [InlineData("binAggression: 4\n", "binAggression: many\n", "binAggression must be an integer, got 'many'")]
    [InlineData("format: hwflow-model/1", "format: hwflow-model/2", "unsupported format 'hwflow-model/2'")]
    [InlineData("scale: 0.00392156862745098", "scale: 0", "input scale must be positive")]
    [InlineData("type: uint8", "type: float32", "input type 'float32' is not supported")]
    [InlineData("output: class", "output: probabilities", "unknown output 'probabilities'")]
    [InlineData("binAggression: 4\n", "binAggression: 4\nscales: log\n", "unknown scales 'log' (expected exact or pow2)")]
    [InlineData("eps: 0.0001", "eps: -1", "eps must be positive")]
    [InlineData("type: Ramp }", "type: Ramp, alpha: 2 }", "unknown key 'alpha' in layer 2 (Ramp)")]
    public void BadValuesAreRejectedWithTheirLine(string from, string to, string expected)
    {
        var folder = WriteSample();
        EditYaml(folder, from, to);
        var e = LoadError(folder);
        Assert.Contains(expected, e.Message);
        Assert.Matches(@"model\.yaml:\d+:\d+: ", e.Message);
    }

    [Theory]
    [InlineData("../outside.npy")]
    [InlineData("sub/../../outside.npy")]
    [InlineData("/etc/passwd")]
    public void TensorPathsMayNotLeaveTheFolder(string path)
    {
        var folder = WriteSample();
        File.Copy(Path.Combine(folder, "w4.npy"), Path.Combine(_dir.Path, "outside.npy"));
        EditYaml(folder, "weights: w4.npy", $"weights: {path}");
        var e = LoadError(folder);
        Assert.True(e.Message.Contains("leaves the model folder") || e.Message.Contains("must be relative"), e.Message);
    }

    [Fact]
    public void SymlinkLeavingTheFolderIsRejected()
    {
        var folder = WriteSample();
        var outside = Path.Combine(_dir.Path, "outside.npy");
        File.Move(Path.Combine(folder, "w4.npy"), outside);
        File.CreateSymbolicLink(Path.Combine(folder, "w4.npy"), outside);
        Assert.Contains("leads outside the model folder through a symbolic link", LoadError(folder).Message);
    }

    [Fact]
    public void MissingModelFileAndEmptyLayersAreClear()
    {
        Assert.Contains("no such model file or folder", LoadError(Path.Combine(_dir.Path, "none")).Message);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "empty"));
        Assert.Contains("the model folder has no model.yaml", LoadError(Path.Combine(_dir.Path, "empty")).Message);
        var folder = WriteSample();
        File.WriteAllText(Path.Combine(folder, "model.yaml"), "format: hwflow-model/1\nname: x\ninput: { shape: [8], type: uint8, scale: 1 }\nlayers: []\n");
        Assert.Contains("the model has no layers", LoadError(folder).Message);
    }

    [Fact]
    public void Pow2ScalesRoundTrip()
    {
        var folder = Path.Combine(_dir.Path, "pow2");
        ModelWriter.Write(SampleModels.SeedStyle() with { Scales = ScaleMode.Pow2 }, folder, force: false);
        Assert.Contains("scales: pow2", File.ReadAllText(Path.Combine(folder, "model.yaml")));
        Assert.Equal(ScaleMode.Pow2, ModelLoader.Load(folder).Scales);
        Assert.Equal(ScaleMode.Exact, ModelLoader.Load(WriteSample()).Scales);
    }

    [Fact]
    public void WriterRefusesAnExistingFolderUnlessForced()
    {
        var folder = WriteSample();
        var e = Assert.Throws<UserError>(() => ModelWriter.Write(SampleModels.SeedStyle(), folder, force: false));
        Assert.Contains("exists already", e.Message);
        ModelWriter.Write(SampleModels.SeedStyle(9), folder, force: true);
        Assert.Empty(Directory.GetDirectories(_dir.Path, ".*partial*"));
    }

    [Fact]
    public void NonNegativityFollowsTheLayerChain()
    {
        // input, Linear, BN, Ramp, Binarize, Bin, HardTanh, Sign, Bin, Sigmoid
        Assert.Equal([true, false, false, true, true, false, false, false, false, true], SampleModels.SeedStyle().NonNegativeInputs());
    }
}
