using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Onnx;
using HwFlow.Runtime.Semantics;
using HwFlow.Tests.Onnx;

namespace HwFlow.Runtime.Tests.Onnx;

/// <summary>
/// Every op the importer reads, in small models built in code: the imported model's float
/// reference must compute what the float64 ONNX reference interpreter computes, on the same
/// pixels (raw / 255). Elementwise constants are folded in double and stored as float32, hence
/// the 1e-6 relative tolerance; quantizer decisions within 1e-9 of a boundary are skipped.
/// </summary>
public sealed class OnnxImportTests
{
    [Fact]
    public void TfcShapedBinaryNetwork()
    {
        var b = new OnnxBuilder();
        var x = b.Input("x", 1, 1, 2, 3);
        var batch = b.Node("Unsqueeze", [b.Node("Gather", [b.Node("Shape", [x]), b.Init("zero", [], [0], global::Onnx.TensorProto.Types.DataType.Int64)], null, ("axis", 0L))], null, ("axes", new long[] { 0 }));
        var flat = b.Node("Reshape", [x, b.Node("Concat", [batch, b.Init("minus1", [1], [-1], global::Onnx.TensorProto.Types.DataType.Int64)], null, ("axis", 0L))]);
        var input = b.BipolarQuant(b.Node("Sub", [b.Node("Mul", [flat, b.Scalar(2)]), b.Vector(1)]), domain: OnnxBuilder.Brevitas);
        var w0 = b.BipolarQuant(b.Init("w0", [4, 6], Values(24, 1)), domain: OnnxBuilder.Brevitas);
        var h = b.Node("MatMul", [input, b.Node("Transpose", [w0], null, ("perm", new long[] { 1, 0 }))]);
        h = BatchNorm(b, h, 4);
        h = b.BipolarQuant(h, domain: OnnxBuilder.Brevitas);
        var y = b.MatMulTransposed(h, b.BipolarQuant(b.Init("w1", [3, 4], Values(12, 2)), domain: OnnxBuilder.Brevitas));
        // TensorNorm: (y - mean) / (var + eps)^0.5 * weight + bias
        y = b.Node("Sub", [y, b.Vector(0.25)]);
        y = b.Node("Div", [y, b.Node("Pow", [b.Vector(2.5), b.Scalar(0.5)])]);
        y = b.Node("Add", [b.Node("Mul", [y, b.Vector(0.75)]), b.Vector(-0.5)]);
        b.Output(y);
        var model = AssertMatchesReference(b, [1, 1, 2, 3]);
        Assert.Equal(["Affine", "BipolarQuant", "QuantLinear", "BatchNorm", "BipolarQuant", "QuantLinear", "Affine"], model.Layers.Select(l => l.Type));
    }

    [Theory]
    [InlineData("ROUND")]
    [InlineData("CEIL")]
    [InlineData("FLOOR")]
    [InlineData("UP")]
    [InlineData("DOWN")]
    [InlineData("HALF_UP")]
    [InlineData("HALF_DOWN")]
    [InlineData("half_even")]
    public void QuantWithEveryRoundingMode(string rounding)
    {
        foreach (var (signed, narrow, bits, zeroPoint) in new[] { (true, true, 2, 0.0), (true, false, 3, 1.0), (false, false, 4, 0.0), (false, true, 3, 0.0), (true, false, 1, 0.0) })
        {
            var b = new OnnxBuilder();
            var x = b.Node("Sub", [b.Node("Mul", [b.Input("x", 1, 5), b.Scalar(12)]), b.Scalar(6)]);
            var q = b.Quant(x, 0.75, zeroPoint, bits, signed, narrow, rounding);
            b.Output(b.Node("MatMul", [q, b.Init("w", [5, 3], Values(15, 3))]));
            AssertMatchesReference(b, [1, 5]);
        }
    }

    [Fact]
    public void GemmWithQuantizedWeightsPerOutputScaleAndBias()
    {
        var b = new OnnxBuilder();
        var x = b.Quant(b.Input("x", 1, 6), 0.25, 0, 3, signed: false);
        var w = b.Quant(b.Init("w", [4, 6], Values(24, 4)), 1, 0, 2, signed: true, narrow: true);
        var perOutput = b.Node("Mul", [w, b.Init("s", [4, 1], [0.5, 0.25, 1, 2])]);
        var gemm = b.Node("Gemm", [x, perOutput, b.Vector(0.1, -0.2, 0.3, 0)], null, ("transB", 1L), ("alpha", 0.5), ("beta", 2.0));
        b.Output(gemm);
        var model = AssertMatchesReference(b, [1, 6]);
        Assert.IsType<LinearLayer>(model.Layers[1]);
    }

    [Fact]
    public void QuantizedWeightsBecomeQuantLinearWithOneScalePerOutput()
    {
        var b = new OnnxBuilder();
        var x = b.Quant(b.Input("x", 1, 6), 0.25, 0, 3, signed: false);
        var w = b.Quant(b.Init("w", [4, 6], Values(24, 4)), 0.5, 0, 2, signed: true, narrow: true);
        b.Output(b.Node("Gemm", [x, w], null, ("transB", 1L)));
        var model = AssertMatchesReference(b, [1, 6]);
        var linear = Assert.IsType<QuantLinear>(model.Layers[1]);
        Assert.Equal(2, linear.WeightBits);
        Assert.Equal(0.5, linear.Scale[0]);
    }

    [Fact]
    public void TruncVersionsOneAndTwo()
    {
        foreach (bool v2 in new[] { false, true })
        {
            var b = new OnnxBuilder();
            var x = b.Node("Mul", [b.Input("x", 1, 4), b.Scalar(255)]);
            string[] inputs = v2
                ? [x, b.Scalar(1), b.Scalar(0), b.Scalar(8), b.Scalar(16), b.Scalar(4)]
                : [x, b.Scalar(1), b.Scalar(0), b.Scalar(8), b.Scalar(5)];
            var t = b.Node("Trunc", inputs, OnnxBuilder.Qonnx, ("rounding_mode", "FLOOR"), ("signed", 0L));
            b.Output(b.Node("MatMul", [t, b.Init("w", [4, 2], Values(8, 5))]));
            AssertMatchesReference(b, [1, 4]);
        }
    }

    [Fact]
    public void FinnStyleMultiThresholdsWithAnnotatedIntegerWeights()
    {
        var b = new OnnxBuilder();
        var x = b.Node("MultiThreshold", [b.Input("x", 1, 4), b.Init("t0", [1, 3], [0.2, 0.5, 0.8])], OnnxBuilder.Finn,
            ("out_dtype", "INT2"), ("out_scale", 1.0), ("out_bias", -1.0));
        var w = b.Init("w", [4, 3], [1, -2, 0, 1, 1, -1, -2, 0, 1, 0, 1, -1]);
        b.Annotate(w, "INT2");
        var h = b.Node("MatMul", [x, w]);
        h = b.Node("MultiThreshold", [h, b.Init("t1", [3, 2], [-1.5, 0.5, -0.5, 1.5, 0, 0])], OnnxBuilder.Finn,
            ("out_dtype", "BIPOLAR"), ("out_scale", 2.0), ("out_bias", -1.0));
        b.Output(b.Node("MatMul", [h, b.Init("w2", [3, 2], [1, -1, -1, 1, 1, 1])]));
        var model = AssertMatchesReference(b, [1, 4]);
        Assert.IsType<QuantLinear>(model.Layers[1]);
        Assert.IsType<LinearLayer>(model.Layers[3]);
    }

    [Fact]
    public void BatchNormOverChannelsThenFlattenReluClipSign()
    {
        var b = new OnnxBuilder();
        var x = b.Input("x", 1, 2, 2, 2);
        var bn = b.Node("BatchNormalization", [x, b.Vector(1.5, -0.5), b.Vector(0.1, 0.2), b.Vector(0.4, 0.6), b.Vector(0.04, 0.09)], null, ("epsilon", 1e-5));
        var flat = b.Node("Flatten", [b.Node("Relu", [bn])], null, ("axis", 1L));
        var clip = b.Node("Clip", [b.Node("Sub", [flat, b.Scalar(0.3)]), b.Scalar(-0.2), b.Scalar(0.6)]);
        var sign = b.Node("Sign", [clip]);
        b.Output(b.Node("MatMul", [sign, b.Init("w", [8, 3], Values(24, 6))]));
        var model = AssertMatchesReference(b, [1, 2, 2, 2]);
        Assert.Equal(["BatchNorm", "Ramp", "Affine", "Clip", "MultiThreshold", "LinearLayer"], model.Layers.Select(l => l.Type));
    }

    [Fact]
    public void ConstantCastIdentityDropoutAndArgMax()
    {
        var b = new OnnxBuilder();
        var scale = b.Node("Constant", [], null, ("value", OnnxBuilder.Tensor("k", [], [3.0])));
        var x = b.Node("Identity", [b.Node("Mul", [b.Input("x", 1, 3), b.Node("Cast", [scale], null, ("to", 1L))])]);
        x = b.NodeWithOutputs("Dropout", [x], 2)[0];
        var y = b.Node("MatMul", [b.BipolarQuant(b.Node("Sub", [x, b.Scalar(1.5)])), b.Init("w", [3, 4], Values(12, 7))]);
        b.Output(b.Node("ArgMax", [y], null, ("axis", 1L), ("keepdims", 1L)));
        var model = AssertMatchesReference(b, [1, 3], classes: true);
        Assert.Equal(OutputKind.Class, model.Output);
    }

    [Fact]
    public void ImportedFolderReadsBackToTheSameModel()
    {
        using var temp = new TempFolder();
        var path = TfcModels.PathOf("TFC_2W2A");
        var result = OnnxImport.ToFolder(path, OutputFolder.Chosen(temp.File("tfc"), force: false));
        var fromFolder = ModelLoader.Load(result.Folder);
        var direct = OnnxImport.Load(path);
        var input = Matrix.FromBytes(TfcModels.AllDigits.Take(300).Images, 300, 784, direct.Input.Scale);
        Assert.Equal(new FloatEvaluator(direct).Evaluate(input).Data, new FloatEvaluator(fromFolder).Evaluate(input).Data);
        Assert.Equal(direct.Layers.Select(l => l.Type), fromFolder.Layers.Select(l => l.Type));
    }

    private static ModelSpec AssertMatchesReference(OnnxBuilder builder, int[] inputShape, bool classes = false)
    {
        using var temp = new TempFolder();
        var path = builder.Save(temp.File("model.onnx"));
        var model = OnnxImport.Load(path, new OnnxImportOptions { Output = classes ? OutputKind.Class : OutputKind.Scores });
        int features = inputShape.Aggregate(1, (p, d) => p * d);
        var raw = Enumerable.Range(0, 64 * features).Select(i => (byte)((i * 37 % 256) ^ (i / features * 11 % 256))).ToArray();
        int rows = raw.Length / features;
        var reference = new OnnxReference(path);
        var expected = reference.Run(new RefTensor([rows, .. inputShape[1..]], raw.Select(v => v / 255.0).ToArray()));
        if (classes)
        {
            Assert.Equal(expected.Data.Select(v => (int)v).ToArray(), new FloatEvaluator(model).Classify(raw, rows));
            return model;
        }
        var actual = new FloatEvaluator(model).Evaluate(Matrix.FromBytes(raw, rows, features, model.Input.Scale));
        Assert.Equal(expected.Data.Length, actual.Data.Length);
        int outputs = actual.Columns;
        for (int i = 0; i < actual.Data.Length; i++)
        {
            if (reference.Margins[i / outputs] < 1e-9) continue;
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= 1e-6 * (1 + Math.Abs(expected.Data[i])),
                $"output {i}: HwFlow {actual.Data[i]}, reference {expected.Data[i]}");
        }
        return model;
    }

    private static string BatchNorm(OnnxBuilder b, string x, int n) =>
        b.Node("BatchNormalization", [x, b.Init($"g{n}", [n], Values(n, 8).Select(v => v + 1.5)), b.Init($"b{n}", [n], Values(n, 9)),
            b.Init($"m{n}", [n], Values(n, 10)), b.Init($"v{n}", [n], Values(n, 11).Select(v => Math.Abs(v) + 0.5))], null, ("epsilon", 1e-5));

    /// <summary>Deterministic values in [-1, 1].</summary>
    private static double[] Values(int n, int seed)
    {
        var rng = new SplitMix64((ulong)seed);
        return Enumerable.Range(0, n).Select(_ => Math.Round((rng.NextDouble() * 2) - 1, 3)).ToArray();
    }
}
