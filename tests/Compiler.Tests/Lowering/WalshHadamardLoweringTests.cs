using CsCheck;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Passes;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Lowering;

/// <summary>WalshHadamard layers through import, lowering, the golden kernel and the packed engine, on random models.</summary>
public sealed class WalshHadamardLoweringTests
{
    [Fact]
    public void EveryPassKeepsItsDeclaredBound()
    {
        var checkedPasses = new HashSet<string>();
        Gen.ULong.Sample(seed =>
        {
            var model = RandomTransformModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed);
            var checker = new SemanticChecker(inputs, inputs.Length / model.Input.Features);
            IntegerLowering.Lower(model, new CompileOptions(), checker);
            Assert.True(checker.Failures.Count == 0, $"model seed {seed}:\n" + string.Join("\n", checker.Failures.Take(10)));
            checkedPasses.UnionWith(checker.PassesChecked);
        }, iter: 150, threads: 1);
        Assert.Contains("lower-walsh-hadamard", checkedPasses);
        Assert.Contains("lower-batchnorm-sign", checkedPasses);
    }

    [Fact]
    public void ImportedGraphExecutesExactlyLikeTheFloatReference()
    {
        Gen.ULong.Sample(seed =>
        {
            var model = RandomTransformModels.Create(seed);
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 6);
            int rows = inputs.Length / model.Input.Features;
            var expected = new FloatEvaluator(model).Evaluate(Matrix.FromBytes(inputs, rows, model.Input.Features, model.Input.Scale));
            var actual = (RealValue)new GraphExecutor(ModelImporter.Import(model)).Run(inputs, rows);
            Assert.Equal(expected.Data, actual.Data);
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void LoweredTransformsStayInTheirProvenRangesAndThePackedEngineAgrees()
    {
        Gen.ULong.Sample(seed =>
        {
            var model = RandomTransformModels.Create(seed);
            var graph = IntegerLowering.Lower(model, new CompileOptions { CoefBits = 8 });
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 8);
            int rows = inputs.Length / model.Input.Features;
            var golden = new GraphExecutor(graph, checkRanges: true).RunAll(inputs, rows);
            var packed = PackedEngine.Create(graph).RunAll(inputs, rows);
            // every transform is fused: of its stages only the last one's value is there
            Assert.DoesNotContain(graph.Nodes, n => n.Op == Ops.Butterfly && n.Int("span") * 2 < n.Type.Length && packed.ContainsKey(n.Name));
            foreach (var (name, value) in packed)
            {
                switch (golden[name])
                {
                    case IntValue e:
                        Assert.True(e.Data.AsSpan().SequenceEqual(((IntValue)value).Data), $"seed {seed}: %{name} differs");
                        break;
                    case BitsValue e:
                        Assert.True(e.Data.AsSpan().SequenceEqual(((BitsValue)value).Data), $"seed {seed}: %{name} differs");
                        break;
                }
            }
        }, iter: 100, threads: 1);
    }

    [Fact]
    public void EachButterflyStageWidensByOneBit()
    {
        // 784 bytes padded to 1024: the sign flip makes them signed (9 bits), then one bit per stage, 19 bits at the end.
        var signs = new Tensor([1024], WalshHadamardTransform.SignsFromSeed(3, 1024));
        var model = new ModelSpec("stages", new InputSpec([784], "uint8", 1.0 / 255), 16,
            [new WalshHadamard(1024, signs, 3, 5), new Sign(), new BinLayer(RandomModels.Gaussian(new SplitMix64(1), 1, 1024, 10))], OutputKind.Class);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var stages = graph.Nodes.Where(n => n.Op == Ops.Butterfly).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(s => 1L << s), stages.Select(n => n.Int("span")));
        Assert.Equal(Enumerable.Range(10, 10), stages.Select(n => n.Type.Width));
        Assert.Equal((-255L * 1024, 255L * 1024), (stages[^1].Type.Min, stages[^1].Type.Max));
        Assert.Equal(Math.ScaleB(1.0 / 255, -5), stages[^1].Type.Scale);
        Assert.Equal(Ops.ZeroPad, graph.Operand(stages[0]).Op);
        Assert.Equal(1024, IntegerGraphSummary.ConstantBitsOf(stages[0]));
    }

    [Fact]
    public void ATransformAfterAnUnloweredBatchNormIsNamed()
    {
        var model = new ModelSpec("bad", new InputSpec([4], "uint8", 1.0 / 255), 2,
        [
            new BatchNorm(Ones(4), Ones(4), Ones(4), Ones(4), 1e-4),
            new WalshHadamard(4, new Tensor([4], [1, 1, -1, 1])),
            new Sign(),
            new BinLayer(RandomModels.Gaussian(new SplitMix64(2), 1, 4, 2)),
        ], OutputKind.Class);
        var e = Assert.Throws<Runtime.Errors.UserError>(() => IntegerLowering.Lower(model, new CompileOptions()));
        Assert.StartsWith("layer 0 (BatchNorm) cannot be lowered to integers", e.Message);
    }

    private static Tensor Ones(int n) => new([n], Enumerable.Repeat(1f, n).ToArray());
}
