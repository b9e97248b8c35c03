using CsCheck;
using HwFlow.Compiler.Estimates;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Estimates;

public sealed class DesignEstimatorTests
{
    [Fact]
    public void TheDenseEqualOfATransformFrontComputesTheSameIntegers()
    {
        int fronts = 0;
        Gen.ULong.Sample(seed =>
        {
            var model = RandomTransformModels.Create(seed);
            var graph = IntegerLowering.Lower(model, new CompileOptions());
            var (front, elsewhere) = TransformSurrogate.Find(graph);
            if (front is null) return;
            fronts++;
            var dense = TransformSurrogate.Replace(graph, front);
            Assert.Single(dense.Nodes, n => n.Op == Ops.Dense && n.Name == front.Last.Name);
            Assert.Equal(elsewhere, dense.Nodes.Any(n => n.Op == Ops.Butterfly));
            var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: 6);
            int rows = inputs.Length / model.Input.Features;
            var expected = new GraphExecutor(graph).RunAll(inputs, rows);
            var actual = new GraphExecutor(dense, checkRanges: true).RunAll(inputs, rows);
            foreach (var (name, value) in actual)
            {
                if (value is IntValue ints) Assert.True(ints.Data.AsSpan().SequenceEqual(((IntValue)expected[name]).Data), $"seed {seed}: %{name}");
                if (value is BitsValue bits) Assert.True(bits.Data.AsSpan().SequenceEqual(((BitsValue)expected[name]).Data), $"seed {seed}: %{name}");
            }
        }, iter: 60, threads: 1);
        Assert.True(fronts >= 10, $"only {fronts} of the random models had a transform on the input");
    }

    [Theory]
    [InlineData("tiny-hbnn")]
    [InlineData("fmnist-tiny")]
    public void ADenseModelIsEstimatedAsItsFoldingReportSays(string example)
    {
        var model = ModelLoader.Load(TestPaths.Example(example));
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        var goal = new FoldingGoal.TargetFps(5000, 50);
        var plan = FoldingOptimizer.Optimize(shapes, graph.Input.Type.Length, goal);
        var report = FoldingReport.Of(shapes, graph.Input.Type.Length, plan, 50);
        var estimate = DesignEstimator.Of(model, new CompileOptions(), goal, 50);
        Assert.Equal((report.Luts, report.Ffs, report.BramBits, report.InitiationInterval), (estimate.Luts, estimate.Ffs, estimate.BramBits, estimate.CyclesPerFrame));
        Assert.Equal(report.FramesPerSecond, estimate.FramesPerSecond);
        Assert.Equal(IntegerGraphSummary.Of(graph, new CompileOptions()).ConstantBits, estimate.ConstantBits);
    }

    [Fact]
    public void ATransformFrontMeetsTheInputStreamsInterval()
    {
        Assert.Equal(8, TransformCost.ButterfliesFor(1024, 784));
        Assert.Equal(640, TransformCost.Cycles(1024, 8));
        Assert.Equal(1, TransformCost.ButterfliesFor(1024, 10_000));
        Assert.Equal(512, TransformCost.ButterfliesFor(1024, 1));

        var rng = new SplitMix64(1);
        var model = new ModelSpec("wht", new InputSpec([784], "uint8", 1.0 / 255), 16,
        [
            new WalshHadamard(1024, new Tensor([1024], WalshHadamardTransform.SignsFromSeed(5, 1024)), 5, 5),
            new BatchNorm(RandomModels.Gaussian(rng, 1, 1024), Ones(1024), RandomModels.Gaussian(rng, 1, 1024), RandomModels.Gaussian(rng, 1, 1024), 1e-4),
            new Sign(),
            new BinLayer(Signs(rng, 1024, 10)),
        ], OutputKind.Class);
        var estimate = DesignEstimator.Of(model, new CompileOptions(), new FoldingGoal.Fastest(), 100);
        Assert.Equal(784, estimate.CyclesPerFrame);
        Assert.Contains("butterfly network", estimate.Realization);
        // one transform has its generator: the estimate is compile's own folding report
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        Assert.Equal(LayerKind.Transform, shapes[0].Kind);
        var report = FoldingReport.Of(shapes, 784, FoldingOptimizer.Optimize(shapes, 784, new FoldingGoal.Fastest()), 100);
        Assert.Equal((report.Luts, report.Ffs, report.BramBits, report.InitiationInterval), (estimate.Luts, estimate.Ffs, estimate.BramBits, estimate.CyclesPerFrame));
        // the transform's signs (1 bit each), 19-bit thresholds and directions, the classifier's sign weights
        Assert.Equal(1024 + (1024 * 19) + (1024 * 2) + (1024 * 10), estimate.ConstantBits);
        Assert.InRange(estimate.Luts, 500, 20_000);
    }

    [Fact]
    public void ATransformAfterAnotherLayerHasNoEstimateYet()
    {
        var rng = new SplitMix64(2);
        var model = new ModelSpec("late", new InputSpec([6], "uint8", 1.0 / 255), 4,
        [
            new LinearLayer(RandomModels.Gaussian(rng, 1, 6, 8)),
            new Sign(),
            new WalshHadamard(8, new Tensor([8], WalshHadamardTransform.SignsFromSeed(1, 8))),
            new Sign(),
            new BinLayer(Signs(rng, 8, 3)),
        ], OutputKind.Class);
        Assert.Equal("model late: a hardware estimate covers a Walsh-Hadamard transform on the input bytes only",
            Assert.Throws<UserError>(() => DesignEstimator.Of(model, new CompileOptions(), new FoldingGoal.Fastest(), 100)).Message);
        Assert.Contains("--max-luts", Assert.Throws<UserError>(() => DesignEstimator.Of(model, new CompileOptions(), new FoldingGoal.MaxLuts(100), 100)).Message);
    }

    private static Tensor Ones(int n) => new([n], Enumerable.Repeat(1f, n).ToArray());

    private static Tensor Signs(SplitMix64 rng, int inputs, int outputs)
    {
        var t = Tensor.Zeros(inputs, outputs);
        for (int i = 0; i < t.Length; i++) t.Data[i] = rng.NextInt(2) == 0 ? -1 : 1;
        return t;
    }
}
