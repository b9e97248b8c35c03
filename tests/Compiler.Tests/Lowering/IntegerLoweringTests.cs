using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Lowering;

public sealed class IntegerLoweringTests
{
    public static TheoryData<string> ExampleModels() => [.. TestPaths.Examples()];

    [Theory]
    [MemberData(nameof(ExampleModels))]
    public void EveryExampleLowersAndItsGraphRoundTrips(string folder)
    {
        var graph = IntegerLowering.Lower(ModelLoader.Load(folder), new CompileOptions());
        Assert.All(graph.Nodes, n => Assert.False(Ops.LayerLevel.Contains(n.Op), $"{n.Op} left in the integer graph"));
        Assert.All(graph.Nodes.Where(n => n.Type.Kind == ValueKind.Int), n => Assert.InRange(n.Type.Width, 1, RangeRules.MaxWidth));
        var text = GraphPrinter.Print(graph);
        Assert.Equal(text, GraphPrinter.Print(GraphParser.Parse(text)));
        // Lowering is deterministic.
        Assert.Equal(text, GraphPrinter.Print(IntegerLowering.Lower(ModelLoader.Load(folder), new CompileOptions())));
    }

    [Theory]
    [MemberData(nameof(ExampleModels))]
    public void ExamplesStayInRangeOnAdversarialInputs(string folder)
    {
        var model = ModelLoader.Load(folder);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var inputs = RandomModels.Inputs(model.Input.Features, 5, randomRows: 4);
        new GraphExecutor(graph, checkRanges: true).Run(inputs, inputs.Length / model.Input.Features);
    }

    private static ModelSpec Model(params Layer[] layers) =>
        new("bad", new InputSpec([4], "uint8", 1.0 / 255), 2, layers, OutputKind.Class);

    private static Tensor W(int inputs, int outputs) => RandomModels.Gaussian(new Runtime.Numerics.SplitMix64(1), 1, inputs, outputs);

    private static Tensor Ones(int n) => new([n], Enumerable.Repeat(1f, n).ToArray());

    [Fact]
    public void BatchNormOnTheInputCannotBeLowered()
    {
        var e = Assert.Throws<UserError>(() => IntegerLowering.Lower(Model(new BatchNorm(Ones(4), Ones(4), Ones(4), Ones(4), 1e-4), new BinLayer(W(4, 2))), new CompileOptions()));
        Assert.Equal("layer 0 (BatchNorm) cannot be lowered to integers: a BatchNorm must directly follow a LinearLayer, BinLayer or QuantLinear (it is folded into it) or feed a Sign or a quantizer", e.Message);
    }

    [Fact]
    public void BinarizeLayerWithoutABinLayerCannotBeLowered()
    {
        var e = Assert.Throws<UserError>(() => IntegerLowering.Lower(Model(new LinearLayer(W(4, 3)), new Ramp(), new BinarizeLayer()), new CompileOptions()));
        Assert.Contains("layer 2 (BinarizeLayer) cannot be lowered to integers: a BinarizeLayer must be followed by a BinLayer", e.Message);
    }

    [Fact]
    public void MismatchedChunksAndMidNetworkSigmoidAreRefused()
    {
        var mismatch = Model(new LinearLayer(W(4, 4)), new Ramp(), new BinarizeLayer(), new BinLayer(W(4, 2)) { BinAggression = 3 });
        Assert.Contains("layer 3 (BinLayer) cannot be lowered: its binAggression 3 differs from the BinarizeLayer before it (2)",
            Assert.Throws<UserError>(() => IntegerLowering.Lower(mismatch, new CompileOptions())).Message);
        var sigmoid = Model(new LinearLayer(W(4, 4)), new Sigmoid(), new BinLayer(W(4, 2)));
        Assert.Contains("layer 1 (Sigmoid) cannot be lowered: a Sigmoid is supported only right before the output",
            Assert.Throws<UserError>(() => IntegerLowering.Lower(sigmoid, new CompileOptions())).Message);
    }

    [Fact]
    public void AnInputScaleOfZeroIsRefused()
    {
        var model = Model(new BinLayer(W(4, 2))) with { Input = new InputSpec([4], "uint8", 0) };
        Assert.Contains("the input scale must be a positive number", Assert.Throws<UserError>(() => IntegerLowering.Lower(model, new CompileOptions())).Message);
    }

    [Fact]
    public void APow2ModelIsNotLoweredWithExactScales()
    {
        var model = Model(new LinearLayer(W(4, 4)), new Ramp(), new BinLayer(W(4, 2))) with { Scales = ScaleMode.Pow2 };
        Assert.Equal("model bad was trained with pow2 chunk scales (scales: pow2 in its model.yaml): it lowers only with pow2 scales, not --scales exact",
            Assert.Throws<UserError>(() => IntegerLowering.Lower(model, new CompileOptions { Scales = ScaleMode.Exact })).Message);
        IntegerLowering.Lower(model, new CompileOptions { Scales = ScaleMode.Pow2 });
        IntegerLowering.Lower(model, new CompileOptions());
    }

    [Theory]
    [InlineData(1, 12, 24, "--first-layer-bits must be between 2 and 16, got 1")]
    [InlineData(8, 40, 24, "--coef-bits must be between 2 and 24, got 40")]
    [InlineData(8, 12, 2, "--activation-bits must be between 4 and 40, got 2")]
    public void WidthsThatCannotBeHonouredAreRefused(int first, int coef, int activation, string message)
    {
        var options = new CompileOptions { FirstLayerBits = first, CoefBits = coef, ActivationBits = activation };
        Assert.Equal(message, Assert.Throws<UserError>(() => IntegerLowering.Lower(Model(new BinLayer(W(4, 2))), options)).Message);
    }

    [Fact]
    public void ValuesNeedingMoreThan63BitsAreRefused()
    {
        var model = ModelLoader.Load(TestPaths.Example("tiny-hbnn"));
        var options = new CompileOptions { FirstLayerBits = 16, CoefBits = 24, ActivationBits = 40 };
        var e = Assert.Throws<UserError>(() => IntegerLowering.Lower(model, options));
        Assert.Contains("would need more than 63 bits", e.Message);
    }
}
