using HwFlow.Compiler.Hardware.Folding;
using static HwFlow.Compiler.Tests.Folding.SampleDesigns;

namespace HwFlow.Compiler.Tests.Folding;

// The test namespace ends in .Folding, which would hide the contract type of the same name.

/// <summary>The resource formulas against counts worked out by hand (the comments show the arithmetic), and the fitted scales applied per component.</summary>
public sealed class ResourceModelTests
{
    /// <summary>The structural count alone: the hand counts below check the structure, not the fitted scales.</summary>
    private static readonly ResourceModel Structural = new(ResourceCosts.Default with { Calibration = ResourceCalibration.None });

    private static readonly LayerShape SmallBinary = Binary("b", 8, 4, chunk: 4, factor: 3, coefficient: 2, shift: 0, accumulator: 10, output: 1, nextChunk: 0);
    private static readonly LayerShape SmallDense = Dense("d", 4, 2, weightWidth: 3, accumulator: 14, output: 1, nextChunk: 0);

    [Fact]
    public void StructuralHelpers()
    {
        Assert.Equal(new ResourceTerm("s"), ResourceModel.Sum("s", 3, 1, 8));
        Assert.Equal(new ResourceTerm("s") { CarryAdderBits = 3 * 8 }, ResourceModel.Sum("s", 3, 2, 8));
        Assert.Equal(new ResourceTerm("s") { FullAdderBits = 3 * 14 * 8, CarryAdderBits = 3 * 8 }, ResourceModel.Sum("s", 3, 16, 8));
        Assert.Equal(7, ResourceModel.ChunkCount(SmallBinary with { Inputs = 26 }));
        Assert.Equal(0, ResourceModel.ChunkCount(SmallDense));
    }

    [Fact]
    public void BinaryLayerTermsByHand()
    {
        // PE 2, SIMD 4 = chunk 4: one group per PE (pg = 2), count bits log2(4) + 2 = 4, 2 chunks.
        var r = Structural.Layer(SmallBinary, new LayerFolding("b", 2, 4));
        var terms = r.Terms.ToDictionary(t => t.Part, t => t with { Component = null });
        Assert.Equal(new ResourceTerm("weight gates") { WeightGates = 2 * 4 }, terms["weight gates"]);
        Assert.Equal(new ResourceTerm("popcounts") { PopcountInputs = 2 * 4 }, terms["popcounts"]);
        Assert.Equal(new ResourceTerm("chunk counters") { CarryAdderBits = 2 * 4, Ffs = 2 * 4 }, terms["chunk counters"]);
        // 4 count bits x 3 factor bits per group, then a 7-bit adder; 2 coefficient bits x the 7-bit value, then a 9-bit adder.
        Assert.Equal(new ResourceTerm("factor products") { PartialProductBits = 2 * 4 * 3, CarryAdderBits = 2 * 7 }, terms["factor products"]);
        Assert.Equal(new ResourceTerm("coefficient products") { PartialProductBits = 2 * 2 * 7, CarryAdderBits = 2 * 9 }, terms["coefficient products"]);
        // One group value plus the running total: a two-operand 10-bit adder per PE.
        Assert.Equal(new ResourceTerm("group sums and accumulators") { CarryAdderBits = 2 * 10, Ffs = 2 * 10 }, terms["group sums and accumulators"]);
        Assert.Equal(new ResourceTerm("weight ROM") { BramBits = 8 * 4 }, terms["weight ROM"]);
        Assert.Equal(new ResourceTerm("coefficient ROM") { BramBits = 4 * 2 * 2 }, terms["coefficient ROM"]);
        // Lanes pick among 2 x 8 / 4 bits (16 - 4 mux bits); one factor among 2 x 2 (3 x 3 bits).
        Assert.Equal(new ResourceTerm("input buffer") { MuxBits = 2 * 8 - 4 + (2 * 2 - 1) * 3, Ffs = 2 * 8 + 2 * 2 * 3 }, terms["input buffer"]);
        // A bit-plane layer keeps InputWidth bits an activation: twice the bank bits and their multiplexers.
        Assert.Equal(new ResourceTerm("input buffer") { MuxBits = (2 * 8 - 4) * 2 + (2 * 2 - 1) * 3, Ffs = 2 * 8 * 2 + 2 * 2 * 3 },
            Structural.Layer(SmallBinary with { InputWidth = 2 }, new LayerFolding("b", 2, 4)).Terms.Single(t => t.Part == "input buffer") with { Component = null });
        Assert.Equal(new ResourceTerm("output stage") { ComparatorBits = 2 * 10, MuxBits = 2 * 10, Ffs = 2 }, terms["output stage"]);
        Assert.Equal(new ResourceTerm("stream FIFO") { MuxBits = 2, Ffs = 4 }, terms["stream FIFO"]);
        // Fold counters over NF = 2 output groups and SF = 2 input beats: 1 bit each.
        Assert.Equal(new ResourceTerm("control") { CarryAdderBits = 2, FixedLuts = 20, Ffs = 2 + 8 }, terms["control"]);
        Assert.DoesNotContain("next-layer chunk sums", terms.Keys);
        // carry 62 x 1 + comparator 20 x 2 + gates 8 x 0.6 + popcount 8 x 2 + partial products 52 x 2.6 + mux 43 x 0.85 + 20 = 314.55
        Assert.Equal(315, r.Luts);
        Assert.Equal(72, r.Ffs);
        Assert.Equal(48, r.BramBits);
    }

    [Fact]
    public void DenseLayerByHand()
    {
        // PE 1, SIMD 2: 2 lanes x 8 input bits x 3 weight bits = 48 partial-product bits; the two
        // 11-bit products summed by a 12-bit adder; accumulator 14; output stage comparator 14 and
        // mux 14; FIFO 1 mux bit; control 2 (two 1-bit fold counters) + 20. Weight ROM 4*2*3 bits,
        // input buffer 2*4*8 bits.
        // 48 x 2.6 + (12 + 14 + 2) + 14 x 2 + 15 x 0.85 + 20 = 213.55
        var r = Structural.Layer(SmallDense, new LayerFolding("d", 1, 2));
        Assert.Equal(214, r.Luts);
        Assert.Equal(14 + 1 + 2 + 10, r.Ffs);
        Assert.Equal(24 + 64, r.BramBits);
    }

    [Fact]
    public void FullyParallelLayersHaveTheirWeightsWiredIn()
    {
        // PE 2, SIMD 4: constant products cost 0.17 of the 8 x 24 partial-product bits; each PE sums
        // 4 lanes of 13 bits (2 full-adder rows and a carry adder); one beat per neuron, so no
        // accumulator; no ROM; the input buffer is registers behind a bank select.
        // 32.64 x 2.6 + 52 x 1.7 + 28 + 28 x 2 + 62 x 0.85 + 20 = 329.96
        var r = Structural.Layer(SmallDense, new LayerFolding("d", 2, 4));
        Assert.Equal(330, r.Luts);
        Assert.Equal(80, r.Ffs);
        Assert.Equal(0, r.BramBits);

        var binary = Structural.Layer(SmallBinary, new LayerFolding("b", 4, 8)).Terms.ToDictionary(t => t.Part, t => t with { Component = null });
        Assert.Equal(0, binary["weight gates"].WeightGates);
        Assert.Equal(0, binary["weight ROM"].BramBits);
        Assert.Equal(0, binary["coefficient ROM"].BramBits);
        Assert.Equal(4 * 2 * 2 * 7 * ResourceCosts.Default.WiredProductFraction, binary["coefficient products"].PartialProductBits, 1e-9);
    }

    [Fact]
    public void Pow2LayersUseABarrelShifterInsteadOfBothProducts()
    {
        var pow2 = SmallBinary with { ShiftWidth = 5 };
        var terms = Structural.Layer(pow2, new LayerFolding("b", 2, 8)).Terms.ToDictionary(t => t.Part, t => t with { Component = null });
        Assert.Equal(2 * 2 * 5 * 10, terms["chunk shifters"].MuxBits);   // 2 PE x 2 groups x 5 stages x 10 bits
        Assert.DoesNotContain("factor products", terms.Keys);
        Assert.DoesNotContain("coefficient products", terms.Keys);
        Assert.DoesNotContain("coefficient ROM", terms.Keys);
        // Two group values in the neuron's one beat: a carry adder per PE, no accumulator.
        Assert.Equal(new ResourceTerm("group sums and accumulators") { CarryAdderBits = 2 * 10 }, terms["group sums and accumulators"]);
        // Folded to two beats: the group value and the running total, into a 10-bit accumulator per PE.
        var folded = Structural.Layer(pow2, new LayerFolding("b", 2, 4)).Terms.ToDictionary(t => t.Part, t => t with { Component = null });
        Assert.Equal(new ResourceTerm("group sums and accumulators") { CarryAdderBits = 2 * 10, Ffs = 2 * 10 }, folded["group sums and accumulators"]);
    }

    [Fact]
    public void ChunkSumsForTheNextLayerAreCounted()
    {
        var terms = Structural.Layer(SmallBinary with { NextChunk = 2 }, new LayerFolding("b", 4, 4)).Terms.ToDictionary(t => t.Part, t => t with { Component = null });
        Assert.Equal(new ResourceTerm("next-layer chunk sums") { CarryAdderBits = 4 * 10, Ffs = 2 * 10 }, terms["next-layer chunk sums"]);
    }

    [Fact]
    public void Pow2CodeComparatorsOfTheNextLayerAreCounted()
    {
        // PE 4 over chunks of 2: two chunk sums open, each compared with 20 thresholds of 19 bits.
        var shape = SmallBinary with { NextChunk = 2, NextPow2CodeBits = 20 * 19 };
        var terms = ResourceModel.Default.Layer(shape, new LayerFolding("b", 4, 4)).Terms.ToDictionary(t => t.Part);
        Assert.Equal(2 * 20 * 19 * ResourceCosts.Default.LutsPerPow2CodeThresholdBit, terms["next-layer pow2 code comparators"].FixedLuts, 9);
        Assert.DoesNotContain("next-layer pow2 code comparators", ResourceModel.Default.Layer(SmallBinary with { NextChunk = 2 }, new LayerFolding("b", 4, 4)).Terms.Select(t => t.Part));
    }

    [Fact]
    public void The_planner_sizes_the_pow2_codes_of_fmnist_tiny_pow2()
    {
        // its binary layers binarize u15 values against 20 thresholds per chunk of 16, on sums the
        // input buffer holds in 15 + 5 bits (room for 16 x 32767)
        Assert.Equal([20 * 20, 20 * 20, 0], ShapesOf("fmnist-tiny-pow2").Select(s => s.NextPow2CodeBits));
        Assert.Equal([0, 0, 0], ShapesOf("fmnist-tiny").Select(s => s.NextPow2CodeBits)); // exact scales: no codes
    }

    private static IReadOnlyList<LayerShape> ShapesOf(string example) =>
        HwFlow.Compiler.Hardware.Stages.StagePlanner.Shapes(HwFlow.Compiler.Hardware.Stages.StagePlanner.Plan(
            HwFlow.Compiler.Lowering.IntegerLowering.Lower(HwFlow.Runtime.Model.ModelLoader.Load(TestPaths.Example(example)), new())));

    [Fact]
    public void CostsAreTheCalibrationKnob()
    {
        var heavierAdders = new ResourceModel(Structural.Costs with { LutsPerCarryAdderBit = 2 });
        Assert.Equal(315 + 62, heavierAdders.Layer(SmallBinary, new LayerFolding("b", 2, 4)).Luts);
        var cheaperMuxes = new ResourceModel(Structural.Costs with { LutsPerMux2Bit = 0.5 });
        Assert.Equal(300, cheaperMuxes.Layer(SmallBinary, new LayerFolding("b", 2, 4)).Luts);  // 314.55 - 43 x 0.35
    }

    [Fact]
    public void FittedScalesApplyPerComponent()
    {
        // popcounts (8 inputs x 2 = 16 LUTs) doubled, the stream FIFO's 4 flip-flops halved: nothing else moves
        var scales = new Dictionary<string, (double, double)> { [ResourceComponents.BinaryPopcounts] = (2.0, 1.0), [ResourceComponents.Fifos] = (1.0, 0.5) };
        var fitted = new ResourceModel(Structural.Costs with { Calibration = new ResourceCalibration("test", scales) });
        var layer = fitted.Layer(SmallBinary, new LayerFolding("b", 2, 4));
        Assert.Equal(315 + 16, layer.Luts);
        Assert.Equal(72 - 2, layer.Ffs);
        Assert.Equal(ResourceComponents.BinaryPopcounts, layer.Terms.Single(t => t.Part == "popcounts").Component);
        // a bit-plane layer's popcounts are a component of their own
        var plane = fitted.Layer(SmallBinary with { InputWidth = 2 }, new LayerFolding("b", 2, 4));
        Assert.Equal(ResourceComponents.PlanePopcounts, plane.Terms.Single(t => t.Part == "popcounts").Component);
        Assert.All(ResourceComponents.All, c => Assert.True(ResourceComponents.All.Count(x => x == c) == 1));
    }

    [Fact]
    public void DesignIsTheSumOfItsStages()
    {
        var plan = new FoldingPlan([new("l0", 16, 49), new("l4", 4, 16), new("l7", 2, 16)]);
        var design = Structural.Design(FmnistHbnn, 784, plan);
        Assert.Equal(["l0", "l4", "l7"], design.Layers.Select(l => l.Stage));
        Assert.Equal(["input stage", "argmax"], design.Glue.Select(g => g.Stage));
        Assert.Equal(design.Layers.Sum(l => l.Luts) + design.Glue.Sum(g => g.Luts), design.Luts);
        Assert.Equal(design.Layers.Sum(l => l.Ffs) + design.Glue.Sum(g => g.Ffs), design.Ffs);
        // Weight ROMs (784*256*10 + 256*256 + 256*10), coefficient ROMs (256*16*12 + 10*16*12), the input buffer 2*784*8.
        Assert.Equal(784L * 256 * 10 + 256 * 256 + 256 * 10 + 256 * 16 * 12 + 10 * 16 * 12 + 2 * 784 * 8, design.BramBits);
    }

    [Fact]
    public void IllegalFoldingsAreRejected() =>
        Assert.Throws<ArgumentException>(() => Structural.Layer(SmallBinary, new LayerFolding("b", 4, 3)));
}
