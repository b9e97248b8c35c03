using CsCheck;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Tests.Passes;

/// <summary>Every pass on random small models: before and after agree exactly, or within the pass's declared bound.</summary>
public sealed class PassSemanticsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(Runtime.Model.ScaleMode.Pow2)]
    public void EveryPassKeepsItsDeclaredBoundOnRandomModels(Runtime.Model.ScaleMode? scales)
    {
        var checkedPasses = new HashSet<string>();
        Gen.ULong.Sample(seed =>
        {
            var model = RandomModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed);
            var checker = new SemanticChecker(inputs, inputs.Length / model.Input.Features);
            IntegerLowering.Lower(model, new CompileOptions { Scales = scales }, checker);
            Assert.True(checker.Failures.Count == 0, $"model seed {seed}:\n" + string.Join("\n", checker.Failures.Take(10)));
            lock (checkedPasses) checkedPasses.UnionWith(checker.PassesChecked);
        }, iter: 300, threads: 1);

        string[] expected = ["fuse-batchnorm-sign", "lower-input", "lower-linear", "lower-bin", "lower-batchnorm-sign", "lower-sign", "lower-ramp", "requantize", "lower-sigmoid"];
        Assert.Empty(expected.Except(checkedPasses));
    }

    [Fact]
    public void LoweredGraphsNeverLeaveTheirRangesOnAdversarialInputs()
    {
        Gen.ULong.Sample(seed =>
        {
            var model = RandomModels.Create(seed);
            var scales = seed % 3 == 0 ? Runtime.Model.ScaleMode.Pow2 : (Runtime.Model.ScaleMode?)null;
            var graph = IntegerLowering.Lower(model, new CompileOptions { ActivationBits = 12, CoefBits = 8, Scales = scales });
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 8);
            new GraphExecutor(graph, checkRanges: true).Run(inputs, inputs.Length / model.Input.Features);
        }, iter: 100, threads: 1);
    }

    /// <summary>Over the trained-model shapes (RandomModels) and the imported QONNX / FINN ones (RandomQuantizedModels).</summary>
    [Theory]
    [InlineData("trained")]
    [InlineData("quantized")]
    public void ImportedGraphExecutesExactlyLikeTheFloatReference(string family)
    {
        Gen.ULong.Sample(seed =>
        {
            var model = family == "trained" ? RandomModels.Create(seed) : RandomQuantizedModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 8);
            int rows = inputs.Length / model.Input.Features;
            var expected = new Runtime.Semantics.FloatEvaluator(model).Evaluate(Runtime.Numerics.Matrix.FromBytes(inputs, rows, model.Input.Features, model.Input.Scale));
            var actual = (RealValue)new GraphExecutor(ModelImporter.Import(model)).Run(inputs, rows);
            Assert.Equal(expected.Data, actual.Data);
        }, iter: 40, threads: 1);
    }
}
