using CsCheck;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Tests.Passes;

/// <summary>
/// The passes that lower imported QONNX / FINN layers, on random quantized models: each keeps
/// its declared bound (exact for all three), the lowered graph stays in its proven ranges, and
/// the integer graph gives the float reference's classes.
/// </summary>
public sealed class QuantizedPassSemanticsTests
{
    [Fact]
    public void EveryQuantizedPassKeepsItsDeclaredBound()
    {
        var checkedPasses = new HashSet<string>();
        Gen.ULong.Sample(seed =>
        {
            var model = RandomQuantizedModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed);
            var checker = new SemanticChecker(inputs, inputs.Length / model.Input.Features);
            IntegerLowering.Lower(model, new CompileOptions(), checker);
            Assert.True(checker.Failures.Count == 0, $"model seed {seed}:\n" + string.Join("\n", checker.Failures.Take(10)));
            lock (checkedPasses) checkedPasses.UnionWith(checker.PassesChecked);
        }, iter: 200, threads: 1);
        Assert.Empty(new[] { "lower-quant-linear", "lower-quantizer", "lower-affine" }.Except(checkedPasses));
    }

    [Fact]
    public void IntegerGraphGivesTheFloatClassesAndStaysInRange()
    {
        Gen.ULong.Sample(seed =>
        {
            var model = RandomQuantizedModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 40);
            int rows = inputs.Length / model.Input.Features;
            var graph = IntegerLowering.Lower(model, new CompileOptions());
            Assert.DoesNotContain(graph.Nodes, n => Ops.LayerLevel.Contains(n.Op));
            var integer = new GraphExecutor(graph, checkRanges: true).Classify(inputs, rows);
            var reference = new FloatEvaluator(model).Classify(inputs, rows);
            Assert.Equal(reference, integer);
        }, iter: 200, threads: 1);
    }
}
