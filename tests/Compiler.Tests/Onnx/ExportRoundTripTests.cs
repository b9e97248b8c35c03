using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Onnx;
using HwFlow.Runtime.Semantics;
using HwFlow.Tests.Onnx;

namespace HwFlow.Compiler.Tests.Onnx;

/// <summary>
/// `hwflow export` then `hwflow import`: the model that comes back gives the same classes as
/// the one exported, float and integer, on all 10,000 MNIST digits; a random model with every
/// quantized layer type gives bit-identical float outputs.
/// </summary>
public sealed class ExportRoundTripTests
{
    public static TheoryData<string> Models() => ["examples/mnist-bnn-mlp", .. TfcModels.Names.Select(n => $"examples/qonnx-tfc/{n}.onnx")];

    [Theory]
    [MemberData(nameof(Models))]
    public void ExportedModelImportsToTheSamePredictions(string relative)
    {
        using var temp = new TempFolder();
        var path = Path.Combine(TfcModels.RepoRoot, relative);
        var original = ModelLoader.Load(path);
        OnnxExport.ToFile(original, path, temp.File("exported.onnx"), force: false);
        var back = OnnxImport.Load(temp.File("exported.onnx"));
        Assert.Equal(original.Name, back.Name);
        Assert.Equal(original.Input.Scale, back.Input.Scale);
        Assert.Equal(original.Output, back.Output);

        var digits = TfcModels.AllDigits;
        Assert.Equal(new FloatEvaluator(original).Classify(digits.Images, digits.Count), new FloatEvaluator(back).Classify(digits.Images, digits.Count));
        var integer = (ModelSpec m) => new GraphExecutor(IntegerLowering.Lower(m, new CompileOptions())).Classify(digits.Images, digits.Count);
        Assert.Equal(integer(original), integer(back));
    }

    [Fact]
    public void EveryQuantizedLayerTypeSurvivesTheRoundTripBitForBit()
    {
        using var temp = new TempFolder();
        for (ulong seed = 1; seed <= 30; seed++)
        {
            var model = Lowering.RandomQuantizedModels.Create(seed);
            var file = temp.File($"m{seed}.onnx");
            OnnxExport.ToFile(model, modelPath: null, file, force: false);
            var back = OnnxImport.Load(file);
            var raw = Lowering.RandomModels.Inputs(model.Input.Features, seed);
            int rows = raw.Length / model.Input.Features;
            var x = Runtime.Numerics.Matrix.FromBytes(raw, rows, model.Input.Features, model.Input.Scale);
            Assert.Equal(new FloatEvaluator(model).Evaluate(x).Data, new FloatEvaluator(back).Evaluate(x).Data);
        }
    }
}
