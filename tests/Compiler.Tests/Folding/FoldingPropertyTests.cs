using CsCheck;
using HwFlow.Compiler.Hardware.Folding;

namespace HwFlow.Compiler.Tests.Folding;


/// <summary>
/// The optimizer over random designs and random goals: every plan legal, targets met when
/// reachable, unreachable messages honest, budgets kept, fewest LUTs, and the same answer every time.
/// </summary>
public sealed class FoldingPropertyTests
{
    private static readonly ResourceModel Model = ResourceModel.Default;

    // Clock 1..400 MHz; target 10 .. 10^8 frames/s on a log scale.
    private static readonly Gen<(RandomDesign Design, double Fps, int Clock)> FpsCases =
        Gen.Select(RandomDesign.Gen(3000), Gen.Double[1, 8], Gen.Int[1, 400], (d, e, c) => (d, Math.Round(Math.Pow(10, e)), c));

    [Fact]
    public void FpsTargetsAreMetWithTheFewestLutsOrReportedUnreachable() =>
        FpsCases.Sample(c =>
        {
            var (design, fps, clock) = c;
            long budget = FoldingTiming.CycleBudget(fps, clock);
            FoldingPlan plan;
            try
            {
                plan = FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.TargetFps(fps, clock));
            }
            catch (FoldingGoalUnreachable e)
            {
                Assert.True(design.FastestIi > budget, "reported unreachable although a legal design meets the target");
                CheckUnreachable(design, e, clock);
                return;
            }
            Assert.True(budget >= design.FastestIi, "a plan came back for an unreachable target");
            CheckLegal(design, plan);
            var report = FoldingReport.Of(design.Shapes, design.InputBytes, plan, clock);
            Assert.True(report.FramesPerSecond >= fps, $"predicted {report.FramesPerSecond} frames/s < target {fps}");
            CheckFewestLuts(design, plan, budget);
        }, iter: 400, print: c => $"{c.Design} fps {c.Fps} clock {c.Clock}");

    [Fact]
    public void LutBudgetsAreKeptByTheFastestDesignThatFits() =>
        Gen.Select(RandomDesign.Gen(3000), Gen.Double[0.3, 1.5]).Sample(c =>
        {
            var (design, scale) = c;
            long fastestLuts = design.MinLuts(design.FastestIi, Model)!.Value;
            long budget = Math.Max(1, (long)(fastestLuts * scale));
            FoldingPlan plan;
            try
            {
                plan = FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.MaxLuts(budget));
            }
            catch (FoldingGoalUnreachable e)
            {
                long smallest = design.MinLuts(design.SlowestIi, Model)!.Value;
                Assert.Equal(smallest, e.SmallestLuts);
                Assert.True(smallest > budget);
                Assert.Contains($"estimated at {smallest:#,0} LUTs", e.Message);
                var fits = FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.MaxLuts(smallest));
                Assert.Equal(smallest, design.PlanLuts(fits, Model));
                Assert.True(Model.Design(design.Shapes, design.InputBytes, fits).Luts <= smallest);
                return;
            }
            CheckLegal(design, plan);
            Assert.True(design.PlanLuts(plan, Model) <= budget, "over the LUT budget");
            Assert.True(Model.Design(design.Shapes, design.InputBytes, plan).Luts <= budget, "the whole design's estimate over the LUT budget");
            long ii = FoldingTiming.InitiationInterval(design.Shapes, design.InputBytes, plan);
            // Fastest: no design with a smaller II fits the budget.
            if (ii > design.FastestIi)
                Assert.True(design.MinLuts(ii - 1, Model) is not { } faster || faster > budget, "a faster design fits the budget");
            CheckFewestLuts(design, plan, ii);
        }, iter: 300, print: c => $"{c.Item1} scale {c.Item2}");

    [Fact]
    public void WithoutAGoalTheDesignIsAsFastAsTheInputStreamAndLayersAllow() =>
        RandomDesign.Gen(3000).Sample(design =>
        {
            var plan = FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.Fastest());
            CheckLegal(design, plan);
            Assert.Equal(design.FastestIi, FoldingTiming.InitiationInterval(design.Shapes, design.InputBytes, plan));
            CheckFewestLuts(design, plan, design.FastestIi);
        }, iter: 300, print: d => d.ToString());

    [Fact]
    public void SmallDesignsMatchExhaustiveSearch() =>
        Gen.Select(RandomDesign.Gen(60).Where(d => d.PlanCount <= 20_000), Gen.Double[1, 7], Gen.Double[0.3, 1.5]).Sample(c =>
        {
            var (design, fpsExponent, lutScale) = c;
            var all = design.AllPlans(Model).ToList();

            var fastest = FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.Fastest());
            long minIi = all.Min(p => p.Ii);
            Assert.Equal((minIi, all.Where(p => p.Ii == minIi).Min(p => p.Luts)), Summary(design, fastest));

            const int Clock = 100;
            double fps = Math.Round(Math.Pow(10, fpsExponent));
            long budget = FoldingTiming.CycleBudget(fps, Clock);
            var meeting = all.Where(p => p.Ii <= budget).ToList();
            if (meeting.Count == 0)
                Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.TargetFps(fps, Clock)));
            else
                Assert.Equal(meeting.Min(p => p.Luts), Summary(design, FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.TargetFps(fps, Clock))).Luts);

            long maxLuts = Math.Max(1, (long)(all.Where(p => p.Ii == minIi).Min(p => p.Luts) * lutScale));
            var fitting = all.Where(p => p.Luts <= maxLuts).ToList();
            if (fitting.Count == 0)
                Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.MaxLuts(maxLuts)));
            else
            {
                var (ii, luts) = Summary(design, FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.MaxLuts(maxLuts)));
                Assert.Equal(fitting.Min(p => p.Ii), ii);
                Assert.Equal(fitting.Where(p => p.Ii == ii).Min(p => p.Luts), luts);
            }
        }, iter: 150, print: c => $"{c.Item1} fps 10^{c.Item2} lut scale {c.Item3}");

    [Fact]
    public void SameInputsGiveTheSamePlan() =>
        FpsCases.Sample(c =>
        {
            FoldingGoal[] goals = [new FoldingGoal.Fastest(), new FoldingGoal.TargetFps(c.Fps, c.Clock), new FoldingGoal.MaxLuts((long)c.Fps)];
            foreach (var goal in goals)
            {
                string Run()
                {
                    try
                    {
                        return FoldingFile.Format(FoldingOptimizer.Optimize(c.Design.Shapes, c.Design.InputBytes, goal));
                    }
                    catch (FoldingGoalUnreachable e)
                    {
                        return e.Message;
                    }
                }
                Assert.Equal(Run(), Run());
            }
        }, iter: 100, print: c => c.Design.ToString());

    private static (long Ii, long Luts) Summary(RandomDesign design, FoldingPlan plan) =>
        (FoldingTiming.InitiationInterval(design.Shapes, design.InputBytes, plan), Model.Design(design.Shapes, design.InputBytes, plan).Luts);

    private static void CheckLegal(RandomDesign design, FoldingPlan plan)
    {
        Assert.Equal(design.Shapes.Select(s => s.Name), plan.Layers.Select(f => f.Layer));
        foreach (var shape in design.Shapes) Assert.Null(FoldingRules.Check(shape, plan.For(shape.Name)));
    }

    /// <summary>Balanced: every layer fits the II, and no legal folding of it that also fits is cheaper.</summary>
    private static void CheckFewestLuts(RandomDesign design, FoldingPlan plan, long ii)
    {
        for (int i = 0; i < design.Shapes.Length; i++)
        {
            var shape = design.Shapes[i];
            var chosen = plan.For(shape.Name);
            Assert.True(FoldingTiming.LayerCycles(shape, chosen) <= ii, $"layer {shape.Name} is slower than the II {ii}");
            long luts = design.Luts(i, chosen, Model);
            foreach (var other in FoldingRules.LegalFoldings(shape).Where(f => FoldingTiming.LayerCycles(shape, f) <= ii))
                Assert.True(design.Luts(i, other, Model) >= luts, $"layer {shape.Name}: {other} fits the II {ii} with fewer LUTs than {chosen}");
        }
    }

    private static void CheckUnreachable(RandomDesign design, FoldingGoalUnreachable e, int clock)
    {
        long fastest = design.FastestIi;
        if (e.LimitedBy == "input stream")
        {
            Assert.Equal(fastest, design.InputBytes);
            Assert.Contains($"the input stream alone takes {design.InputBytes:#,0} cycles per frame", e.Message);
        }
        else
        {
            var shape = design.Shapes.Single(s => s.Name == e.LimitedBy);
            Assert.Equal(fastest, FoldingRules.LegalFoldings(shape).Min(f => FoldingTiming.LayerCycles(shape, f)));
            Assert.True(fastest > design.InputBytes);
            Assert.Contains($"layer {shape.Name} needs at least {fastest:#,0} cycles per frame", e.Message);
        }
        // The best reachable frames/s is really reachable, and it is the best: one frame/s more is not.
        Assert.EndsWith($"the best reachable is {FoldingOptimizer.Number(e.BestFramesPerSecond)} frames/s", e.Message);
        var best = FoldingOptimizer.Optimize(design.Shapes, design.InputBytes, new FoldingGoal.TargetFps(e.BestFramesPerSecond, clock));
        Assert.True(FoldingReport.Of(design.Shapes, design.InputBytes, best, clock).FramesPerSecond >= e.BestFramesPerSecond);
        Assert.True(FoldingTiming.FramesPerSecond(clock, fastest) < e.BestFramesPerSecond + (e.BestFramesPerSecond >= 1 ? 1 : 1e-6));
    }
}
