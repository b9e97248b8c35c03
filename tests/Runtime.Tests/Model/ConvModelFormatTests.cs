using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Tests.Model;

/// <summary>The image layers in model.yaml: they round-trip, and each shape mistake is one line naming the layer and the shapes.</summary>
public sealed class ConvModelFormatTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteSample()
    {
        var folder = Path.Combine(_dir.Path, "m");
        ModelWriter.Write(SampleModels.SmallConv(), folder, force: false);
        return folder;
    }

    [Fact]
    public void ImageLayersRoundTripWithTheirShapes()
    {
        var folder = WriteSample();
        var back = ModelLoader.Load(folder);
        var model = SampleModels.SmallConv();
        Assert.Equal(model.Layers.Select(l => l.Type), back.Layers.Select(l => l.Type));
        Assert.Equal([6, 6, 1], back.Input.Shape);
        Assert.Equal([[6, 6, 1], [6, 6, 4], [6, 6, 4], [3, 3, 4], [1, 1, 5], [5], [3]], back.Shapes());
        var conv = (Conv2D)back.Layers[0];
        Assert.Equal((1, 1), (conv.Stride, conv.Padding));
        Assert.True(conv.Weights.BitEquals(((Conv2D)model.Layers[0]).Weights));
        Assert.Equal(PoolEdge.Exact, ((MaxPool2D)back.Layers[2]).Edge);
    }

    [Theory]
    // kernel larger than the padded input: a 3x3 pool leaves [2, 2, 4] for the 3x3 BinConv2D
    [InlineData("size: 2, stride: 2", "size: 3, stride: 3", "layer 3 (BinConv2D): its 3x3 kernel is larger than the input [2, 2, 4] padded by 0 (2x2)")]
    [InlineData("stride: 1, padding: 1", "stride: 0, padding: 1", "layer 0 (Conv2D): stride 0 on the input [6, 6, 1]: the stride must be at least 1")]
    [InlineData("shape: [6, 6, 1]", "shape: [6, 6, 2]", "layer 0 (Conv2D): weights [3, 3, 1, 4] take 1 input channels, but the input [6, 6, 2] has 2")]
    [InlineData("shape: [6, 6, 1]", "shape: [7, 7, 1]", "layer 2 (MaxPool2D): a 2x2 pool with stride 2 does not tile the input [7, 7, 4]")]
    [InlineData("type: MaxPool2D, size: 2, stride: 2 }", "type: MaxPool2D, size: 2, stride: 2 }\n  - { type: Flatten }",
        "layer 4 (BinConv2D): its input has shape [36], after layer 3 (Flatten); a convolution needs an input of [height, width, channels]")]
    [InlineData("type: MaxPool2D, size: 2, stride: 2 }", "type: MaxPool2D, size: 2, stride: 2, edge: round }", "layer 2 (MaxPool2D): unknown edge 'round' (expected exact, floor or ceil)")]
    public void ShapeMistakesNameTheLayerAndTheShapesAtTheirLine(string from, string to, string expected)
    {
        var folder = WriteSample();
        var path = Path.Combine(folder, "model.yaml");
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
        var e = Assert.Throws<UserError>(() => ModelLoader.Load(folder));
        Assert.Contains(expected, e.Message);
        Assert.Matches(@"model\.yaml:\d+:\d+: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void APoolThatDoesNotTileIsAcceptedWithAnEdgeRule()
    {
        var folder = WriteSample();
        var path = Path.Combine(folder, "model.yaml");
        File.WriteAllText(path, File.ReadAllText(path).Replace("shape: [6, 6, 1]", "shape: [7, 7, 1]").Replace("size: 2, stride: 2", "size: 2, stride: 2, edge: ceil"));
        // the pool passes (ceil: [7, 7, 4] -> [4, 4, 4]); the first mistake is then the BinLayer's, 2 x 2 x 5 inputs
        Assert.Contains("layer 5 (BinLayer): weights [5, 3] expect 5 inputs, but the previous layer gives 20", Assert.Throws<UserError>(() => ModelLoader.Load(folder)).Message);
        Assert.Equal([4, 4, 4], new MaxPool2D(2, 2, PoolEdge.Ceil).OutputShape([7, 7, 4]));
        Assert.Equal([3, 3, 4], new MaxPool2D(2, 2, PoolEdge.Floor).OutputShape([7, 7, 4]));
    }
}
