using System.Globalization;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Onnx;
using HwFlow.Tests.Onnx;

namespace HwFlow.Compiler.Tests.Hardware;

/// <summary>
/// `compile --device` where block RAM or (on iCE40) logic cells, not the LUT budget, set the pace:
/// the search over paces finds a design that fits, whose block RAMs are the ones counted once in
/// the fit, and the candidate pace just faster than it does not fit.
/// </summary>
public sealed class DeviceFoldingTests
{
    [Theory]
    [InlineData("fmnist-tiny", "ice40-up5k")]
    [InlineData("fmnist-tiny-pow2", "ice40-up5k")]
    public void The_pace_found_fits_and_the_next_faster_candidate_does_not(string example, string deviceName)
    {
        var device = Device.Parse(deviceName);
        var graph = IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example(example)), new CompileOptions());
        var stages = StagePlanner.Plan(graph);
        var shapes = StagePlanner.Shapes(stages);
        int inputBytes = stages.InputCycles; // one byte a cycle: the width is given (8 bits)
        var goal = new FoldingGoal.MaxLuts(device.LutBudget);

        var (design, fit) = DeviceFolding.Fold(device, stages, goal, widthGiven: true);

        Assert.Equal(BlockRamUse.Of(design.Rtl, device.Fabric), fit.BlockRams);
        Assert.InRange(fit.BlockRams, 0, device.BlockRams);
        Assert.True(fit.Fits);
        var fastestPlan = FoldingOptimizer.Optimize(shapes, inputBytes, goal);
        var fastest = HardwareGenerator.Generate(stages, fastestPlan, new HardwareOptions { Fabric = device.Fabric });
        Assert.False(FitOf(device, shapes, inputBytes, fastestPlan, fastest).Fits, "this case is meant to be set by block RAM or cells: the LUT budget's fastest design must be over");
        // the candidate paces between the fastest design and the one found: the last of them (just faster) is over
        var faster = FoldingOptimizer.SlowerIntervals(shapes, fastest.CyclesPerFrame).Where(c => c < design.CyclesPerFrame).Prepend(fastest.CyclesPerFrame).Max();
        var neighbourPlan = FoldingOptimizer.Optimize(shapes, inputBytes, new FoldingGoal.MaxCycles(faster));
        var neighbour = HardwareGenerator.Generate(stages, neighbourPlan, new HardwareOptions { Fabric = device.Fabric });
        Assert.True(neighbour.CyclesPerFrame < design.CyclesPerFrame);
        var neighbourFit = FitOf(device, shapes, inputBytes, neighbourPlan, neighbour);
        Assert.False(neighbourFit.Fits, $"{faster} cycles per frame would fit ({neighbourFit}) but the search chose {design.CyclesPerFrame}");
    }

    /// <summary>
    /// At a slow pace the LUT-cheapest folding reads a weight bit or a few a cycle; the variant
    /// the search also tries widens every layer's weight word to a whole iCE40 block word (16
    /// bits) with a legal SIMD, never slowing a layer, and is then already wide.
    /// </summary>
    [Fact]
    public void Widened_weight_words_fill_a_block_word_with_legal_foldings_that_are_no_slower()
    {
        var device = Device.Parse("ice40-hx8k");
        var stages = StagePlanner.Plan(IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example("fmnist-wht")), new CompileOptions()));
        var shapes = StagePlanner.Shapes(stages);
        var slow = FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.MaxCycles(long.MaxValue / 4));
        Assert.Contains(slow.Layers, f => f.Pe * f.Simd < 16);

        var wide = DeviceFolding.BlockWideWords(shapes, slow, device) ?? throw new Xunit.Sdk.XunitException("no layer was widened");
        foreach (var (before, after) in slow.Layers.Zip(wide.Layers))
        {
            var shape = shapes.First(s => s.Name == after.Layer);
            Assert.True(FoldingRules.IsLegal(shape, after), $"{after} is not legal");
            Assert.Equal(before.Pe, after.Pe);
            Assert.True(after.Simd >= before.Simd);
            Assert.True(after.Pe * after.Simd >= 16 || after == before || !FoldingRules.LegalSimds(shape).Any(s => s > before.Simd && before.Pe * s >= 16));
        }
        Assert.Contains(wide.Layers, f => f.Pe * f.Simd >= 16 && slow.For(f.Layer).Pe * slow.For(f.Layer).Simd < 16);
        Assert.Null(DeviceFolding.BlockWideWords(shapes, wide, device));
    }

    private static DeviceFit FitOf(Device device, IReadOnlyList<LayerShape> shapes, int inputBytes, FoldingPlan plan, HardwareDesign design) =>
        DeviceFit.Of(device, RtlResourceCount.Of(design.Rtl, device.Fabric), BlockRamUse.Of(design.Rtl, device.Fabric));

    /// <summary>
    /// run.sh folds fmnist-tiny by hand to 3,136 cycles per frame (4,598 logic cells and 25 block
    /// RAMs placed on the UP5K, session 5); `--device ice40-up5k` must find a design at least as fast.
    /// </summary>
    [Fact]
    public void Fmnist_tiny_for_the_up5k_is_at_least_as_fast_as_run_sh_folds_it()
    {
        var device = Device.Parse("ice40-up5k");
        var stages = StagePlanner.Plan(IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example("fmnist-tiny")), new CompileOptions()));
        var (design, _) = DeviceFolding.Fold(device, stages, new FoldingGoal.MaxLuts(device.LutBudget), widthGiven: true);
        Assert.InRange(design.CyclesPerFrame, 1, 3136);
    }

    /// <summary>
    /// The HX8K has more LUTs, cells and block RAMs than the UP5K, so it never needs a slower design.
    /// TFC_2W2A at 16-bit beats got 3,904 cycles on the HX8K against 2,048 on the UP5K: the probes
    /// skipped the one pace whose word shapes fit the blocks (block RAM use is not monotone in the pace).
    /// TFC_2W2A and TFC_1W2A no longer fit the UP5K at all (their 2-bit input banks are 3,136 flip-flops;
    /// TFC_1W2A's smallest design did not place at 5,112 of 5,280 cells), so TFC_1W1A keeps the check.
    /// </summary>
    [Theory]
    [InlineData("TFC_1W1A")]
    public void A_larger_device_never_gets_a_slower_design(string name)
    {
        var stages = StagePlanner.Plan(IntegerLowering.Lower(OnnxImport.Load(TfcModels.PathOf(name)), new CompileOptions())) with { InputWidth = 16 };
        long PaceOn(string device) =>
            DeviceFolding.Fold(Device.Parse(device), stages, new FoldingGoal.MaxLuts(Device.Parse(device).LutBudget), widthGiven: true).Design.CyclesPerFrame;
        long small = PaceOn("ice40-up5k"), large = PaceOn("ice40-hx8k");
        Assert.True(large <= small, $"{name}: {large} cycles per frame on the HX8K, {small} on the UP5K");
    }
    /// <summary>
    /// TFC_2W2A on the UP5K: with every weight memory in block RAM only the slowest design fits
    /// (50,176 cycles, all 30 blocks), so the search tries again with weight memories of up to half
    /// a block in LUTs: the faster design it finds fits with one in logic, and the same folding with
    /// all weights in block RAM is over in blocks alone.
    /// </summary>
    [Fact]
    public void Where_block_ram_alone_is_over_small_weight_memories_go_to_logic()
    {
        var device = Device.Parse("ice40-up5k");
        var stages = StagePlanner.Plan(IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example("qonnx-tfc/TFC_2W2A.onnx")), new CompileOptions()));

        var (design, fit) = DeviceFolding.Fold(device, stages, new FoldingGoal.MaxLuts(device.LutBudget), widthGiven: true);

        Assert.True(fit.Fits);
        Assert.True(design.CyclesPerFrame < 50_176, $"{design.CyclesPerFrame} cycles per frame: no faster than with every weight in block RAM");
        Assert.Equal(BlockRamUse.Of(design.Rtl, device.Fabric), fit.BlockRams);
        var weights = design.Rtl.Modules.SelectMany(m => m.Memories).Where(r => r.Name.StartsWith("weights", StringComparison.Ordinal)).ToList();
        Assert.Contains(weights, r => r.Style == HwFlow.Compiler.Rtl.MemoryStyle.Logic);
        Assert.All(weights.Where(r => r.Style == HwFlow.Compiler.Rtl.MemoryStyle.Logic), r => Assert.InRange((long)r.Width * r.Depth, 1, device.BlockRamBits / 2));
        var allInBlocks = HardwareGenerator.Generate(stages, design.Folding, new HardwareOptions { Fabric = device.Fabric, Device = device.Name });
        var allInBlocksFit = DeviceFit.Of(device, RtlResourceCount.Of(allInBlocks.Rtl, device.Fabric), BlockRamUse.Of(allInBlocks.Rtl, device.Fabric));
        Assert.True(allInBlocksFit.OverOnlyInBlockRams, $"the same folding with every weight memory in block RAM: {string.Join("; ", allInBlocksFit.Over())}");
    }

    /// <summary>
    /// The folding optimizer prices an HBNN layer's input banks as registers (an upper bound), and
    /// for fmnist-hbnn-cnn its smallest design came to 28,349 LUTs where the design estimate of that
    /// same folding gives 18,436: "nothing fits" must name the smallest design's own count.
    /// </summary>
    [Fact]
    public void Nothing_fits_names_the_smallest_designs_own_estimate()
    {
        var device = Device.Parse("xc7a35t");
        var stages = StagePlanner.Plan(IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example("fmnist-hbnn-cnn")), new CompileOptions()));
        var shapes = StagePlanner.Shapes(stages);
        var smallestPlan = FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.MaxCycles(long.MaxValue / 4));
        var smallestDesign = HardwareGenerator.Generate(stages, smallestPlan, new HardwareOptions { Fabric = device.Fabric, Device = device.Name });
        var smallest = DeviceFit.Of(device, RtlResourceCount.Of(smallestDesign.Rtl, device.Fabric), BlockRamUse.Of(smallestDesign.Rtl, device.Fabric));
        Assert.False(smallest.Fits);
        var bound = Assert.Throws<FoldingGoalUnreachable>(() => FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.MaxLuts(device.LutBudget)));
        Assert.True(bound.SmallestLuts > smallest.EstimatedLuts, "the optimizer's bound is meant to be over the design's own count here");

        var error = Assert.Throws<HwFlow.Runtime.Errors.UserError>(() => DeviceFolding.Fold(device, stages, new FoldingGoal.MaxLuts(device.LutBudget), widthGiven: true));
        Assert.StartsWith("nothing fits xc7a35t: even the smallest design", error.Message);
        Assert.Contains($"needs {string.Join("; ", smallest.Over())}", error.Message);
        Assert.DoesNotContain(bound.SmallestLuts.ToString("N0", CultureInfo.InvariantCulture), error.Message);
    }

    /// <summary>
    /// Ctrl-C during `compile --device` (the search took minutes for the HBNN MLPs on 7 series and
    /// did not look at the token): cancelled as the first design is counted, the search stops with
    /// the designs already under way, and a token cancelled before it starts counts none. On 7
    /// series the counted choice runs batches of designs side by side, which must stop too.
    /// </summary>
    [Fact]
    public void A_cancelled_search_stops_with_the_designs_under_way()
    {
        var device = Device.Parse("xc7a35t");
        var stages = StagePlanner.Plan(IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example("fmnist-tiny")), new CompileOptions()));
        var goal = new FoldingGoal.MaxLuts(device.LutBudget);

        using var early = new CancellationTokenSource();
        int counted = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => DeviceFolding.Fold(device, stages, goal, progress: done =>
        {
            InterlockedMax(ref counted, done);
            early.Cancel();
        }, cancel: early.Token));
        // the first design, plus at most the others of its batch that were being generated beside it
        Assert.InRange(counted, 1, DeviceFolding.MaxParallelDesigns);

        using var before = new CancellationTokenSource();
        before.Cancel();
        int none = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => DeviceFolding.Fold(device, stages, goal, progress: done => InterlockedMax(ref none, done), cancel: before.Token));
        Assert.Equal(0, none);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
