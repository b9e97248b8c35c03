using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Runtime.Errors;
using static HwFlow.Compiler.Tests.Folding.SampleDesigns;

namespace HwFlow.Compiler.Tests.Folding;

public sealed class FoldingOptimizerTests
{
    /// <summary>l1 can neither take more than 4 inputs per beat (chunk 16 does not divide 100) nor give more than 4 outputs (next chunk 16): at least 25 x 25 cycles.</summary>
    private static readonly LayerShape[] ChunkBound =
    [
        Dense("l0", 64, 100, weightWidth: 4, accumulator: 20, output: 1, nextChunk: 16),
        Binary("l1", 100, 100, chunk: 16, factor: 12, coefficient: 6, shift: 0, accumulator: 30, output: 1, nextChunk: 16),
        Binary("l2", 100, 10, chunk: 16, factor: 12, coefficient: 6, shift: 0, accumulator: 30, output: 30, nextChunk: 0),
    ];

    private static long Ii(LayerShape[] shapes, int inputBytes, FoldingPlan plan) => FoldingTiming.InitiationInterval(shapes, inputBytes, plan);

    [Fact]
    public void WithoutAGoalTheInputStreamSetsThePace()
    {
        var plan = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.Fastest());
        Assert.Equal(784, Ii(FmnistHbnn, 784, plan));
        var lfc = FoldingOptimizer.Optimize(Lfc, 784, new FoldingGoal.Fastest());
        Assert.Equal(784, Ii(Lfc, 784, lfc));
    }

    [Fact]
    public void FastestFmnistPlanIsTheCheapestOfAllItsLegalPlans()
    {
        var design = new RandomDesign(FmnistHbnn, 784);
        var best = design.AllPlans(ResourceModel.Default).Where(p => p.Ii == 784).Min(p => p.Luts);
        var plan = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.Fastest());
        Assert.Equal(best, design.PlanLuts(plan, ResourceModel.Default));
        Assert.True(ResourceModel.Default.Design(FmnistHbnn, 784, plan).Luts <= best);
    }

    [Fact]
    public void ATargetGivesTheCheapestDesignThatMeetsIt()
    {
        // 10,000 frames/s at 100 MHz allows 10,000 cycles per frame.
        var plan = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.TargetFps(10_000, 100));
        long ii = Ii(FmnistHbnn, 784, plan);
        Assert.InRange(ii, 784, 10_000);
        var fastest = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.Fastest());
        Assert.True(ResourceModel.Default.Design(FmnistHbnn, 784, plan).Luts < ResourceModel.Default.Design(FmnistHbnn, 784, fastest).Luts);
    }

    [Fact]
    public void ATargetOfExactlyClockOverIiIsReachable()
    {
        var plan = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.TargetFps(100e6 / 784, 100));
        Assert.Equal(784, Ii(FmnistHbnn, 784, plan));
    }

    [Fact]
    public void TheInputStreamCanBeTheLimit()
    {
        var e = Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.TargetFps(200_000, 100)));
        Assert.Equal("--target-fps 200000 at --clock-mhz 100 needs at most 500 cycles per frame, but the input stream alone takes "
            + "784 cycles per frame (one byte per cycle); the best reachable is 127,551 frames/s", e.Message);
        Assert.Equal("input stream", e.LimitedBy);
        Assert.Equal(127_551, e.BestFramesPerSecond);
    }

    [Fact]
    public void ALayerCanBeTheLimit()
    {
        var e = Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(ChunkBound, 64, new FoldingGoal.TargetFps(1e6, 100)));
        Assert.Equal("--target-fps 1000000 at --clock-mhz 100 needs at most 100 cycles per frame, but layer l1 needs at least 625 cycles "
            + "per frame even at its fastest legal folding (PE 4, SIMD 4); the best reachable is 160,000 frames/s", e.Message);
        Assert.Equal("l1", e.LimitedBy);
        var best = FoldingOptimizer.Optimize(ChunkBound, 64, new FoldingGoal.TargetFps(e.BestFramesPerSecond, 100));
        Assert.Equal(625, Ii(ChunkBound, 64, best));
    }

    [Fact]
    public void BelowOneFramePerSecondTheBestIsGivenInFractions()
    {
        var e = Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(ChunkBound, 64, new FoldingGoal.TargetFps(1, 0.0001)));
        Assert.EndsWith("the best reachable is 0.16 frames/s", e.Message);
    }

    [Fact]
    public void ALutBudgetGivesTheFastestDesignWithinIt()
    {
        var fastest = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.Fastest());
        var design = new RandomDesign(FmnistHbnn, 784);
        long fastestLuts = design.PlanLuts(fastest, ResourceModel.Default);
        Assert.Equal(fastest.Layers, FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.MaxLuts(fastestLuts)).Layers);

        var half = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.MaxLuts(fastestLuts / 2));
        Assert.True(design.PlanLuts(half, ResourceModel.Default) <= fastestLuts / 2);
        Assert.True(ResourceModel.Default.Design(FmnistHbnn, 784, half).Luts <= fastestLuts / 2);
        Assert.True(Ii(FmnistHbnn, 784, half) > 784);
    }

    [Fact]
    public void ATooSmallLutBudgetNamesTheSmallestDesign()
    {
        var e = Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.MaxLuts(1000)));
        Assert.Matches(@"^--max-luts 1000 is below the smallest legal design, estimated at [0-9,]+ LUTs \(every layer at its cheapest legal PE and SIMD\)$", e.Message);
        var smallest = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.MaxLuts(e.SmallestLuts));
        Assert.Equal(e.SmallestLuts, new RandomDesign(FmnistHbnn, 784).PlanLuts(smallest, ResourceModel.Default));
        Assert.True(ResourceModel.Default.Design(FmnistHbnn, 784, smallest).Luts <= e.SmallestLuts);
    }

    [Theory]
    [InlineData(0, 100, "--target-fps must be a positive number of frames per second, got 0")]
    [InlineData(-5, 100, "--target-fps must be a positive number of frames per second, got -5")]
    [InlineData(double.NaN, 100, "--target-fps must be a positive number of frames per second, got NaN")]
    [InlineData(1000, 0, "--clock-mhz: expected a frequency in MHz above 0 and below 10000, not 0")]
    [InlineData(1000, double.PositiveInfinity, "--clock-mhz: expected a frequency in MHz above 0 and below 10000, not Infinity")]
    public void BadTargetsAreUserErrors(double fps, double clock, string expected) =>
        Assert.Equal(expected, Assert.Throws<UserError>(() => FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.TargetFps(fps, clock))).Message);

    [Fact]
    public void ABadLutBudgetIsAUserError() =>
        Assert.Equal("--max-luts must be a positive number of LUTs, got 0",
            Assert.Throws<UserError>(() => FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.MaxLuts(0))).Message);

    [Fact]
    public void CalibratedCostsChangeTheChoice()
    {
        // Other constants may pick other foldings; the plan must still be legal and as fast.
        var model = new ResourceModel(ResourceCosts.Default with { LutsPerMux2Bit = 0.01, LutsPerCarryAdderBit = 3 });
        var plan = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.Fastest(), model);
        Assert.Equal(784, Ii(FmnistHbnn, 784, plan));
        Assert.All(FmnistHbnn, s => Assert.Null(FoldingRules.Check(s, plan.For(s.Name))));
    }
}
