using HwFlow.Compiler.Hardware.Folding;
using static HwFlow.Compiler.Tests.Folding.SampleDesigns;

namespace HwFlow.Compiler.Tests.Folding;

// The test namespace ends in .Folding, which would hide the contract type of the same name.
using Folding = HwFlow.Compiler.Hardware.Folding.Folding;

/// <summary>The resource formulas against counts worked out by hand (the comments show the arithmetic).</summary>
public sealed class ResourceModelTests
{
    private static readonly LayerShape SmallBinary = Binary("b", 8, 4, chunk: 4, factor: 3, coefficient: 2, shift: 0, accumulator: 10, output: 1, nextChunk: 0);
    private static readonly LayerShape SmallDense = Dense("d", 4, 2, weightWidth: 3, accumulator: 14, output: 1, nextChunk: 0);

    [Fact]
    public void StructuralHelpers()
    {
        Assert.Equal(0, ResourceModel.AdderTreeBits(1, 8, 32));
        Assert.Equal(9, ResourceModel.AdderTreeBits(2, 8, 32));
        Assert.Equal(8, ResourceModel.AdderTreeBits(2, 8, 8));          // capped at the accumulator width
        Assert.Equal(2 * 2 + 1 * 3 + 1 * 4, ResourceModel.AdderTreeBits(5, 1, 9)); // 5 -> 3 -> 2 -> 1 operands
        Assert.Equal(8 * 2 + 4 * 3 + 2 * 4 + 1 * 5, ResourceModel.PopcountBits(16));
        Assert.Equal(1, ResourceModel.BitsFor(0));
        Assert.Equal(1, ResourceModel.BitsFor(1));
        Assert.Equal(2, ResourceModel.BitsFor(2));
        Assert.Equal(10, ResourceModel.BitsFor(784));
        Assert.Equal(0, ResourceModel.CeilLog2(1));
        Assert.Equal(4, ResourceModel.CeilLog2(16));
        Assert.Equal(5, ResourceModel.CeilLog2(17));
        Assert.Equal(7, ResourceModel.ChunkCount(SmallBinary with { Inputs = 26 }));
        Assert.Equal(0, ResourceModel.ChunkCount(SmallDense));
    }

    [Fact]
    public void BinaryLayerTermsByHand()
    {
        // PE 2, SIMD 4 = chunk 4: one group per PE (pg = 2), count bits log2(4) + 2 = 4, 2 chunks.
        var r = ResourceModel.Default.Layer(SmallBinary, new Folding("b", 2, 4));
        var terms = r.Terms.ToDictionary(t => t.Part);
        Expect(terms["weight gates"], gates: 2 * 4);
        Expect(terms["popcounts"], adders: 2 * (2 * 2 + 1 * 3));                      // 4 bits: 2 adders of 2 bits, 1 of 3
        Expect(terms["chunk counters"], adders: 2 * 4, ffs: 2 * 4);
        Expect(terms["factor products"], adders: 2 * (2 * 4 + 1 * 5), gates: 2 * 4 * 3); // 4 partial products of 3 bits
        Expect(terms["coefficient products"], adders: 2 * 8, gates: 2 * 2 * 7);        // 2 partial products of 7 bits
        Expect(terms["group sums and accumulators"], adders: 2 * 10, ffs: 2 * 10);
        Expect(terms["weight ROM"], bram: 8 * 4);
        Expect(terms["coefficient ROM"], bram: 4 * 2 * 2);
        Expect(terms["input buffer"], muxes: 2 * 8 - 4 + (2 * 2 - 1) * 3, ffs: 2 * 8 + 2 * 2 * 3);
        Expect(terms["output stage"], adders: 2 * 10, muxes: 2 * 10, ffs: 2);
        Expect(terms["stream FIFO"], muxes: 2, ffs: 4);
        Expect(terms["control"], adders: 4, fixedLuts: 20, ffs: 4 + 8);
        Assert.DoesNotContain("next-layer chunk sums", terms.Keys);
        Assert.Equal(108 + 60 + 43 + 20, r.Luts);
        Assert.Equal(74, r.Ffs);
        Assert.Equal(48, r.BramBits);
    }

    [Fact]
    public void DenseLayerByHand()
    {
        // PE 1, SIMD 2: each lane sums 8 partial products of 3 bits (adder bits 4*4 + 2*5 + 1*6 = 32) and
        // gates 8 * 3; the lane tree adds two 11-bit products (12); accumulator 14; output stage 14 + 14;
        // FIFO 1 mux; control 4 + 20. Weight ROM 4*2*3 bits, input buffer 2*4*8 bits.
        var r = ResourceModel.Default.Layer(SmallDense, new Folding("d", 1, 2));
        Assert.Equal(108 + 48 + 15 + 20, r.Luts);
        Assert.Equal(14 + 1 + 2 + 12, r.Ffs);
        Assert.Equal(24 + 64, r.BramBits);
    }

    [Fact]
    public void FullyParallelLayersHaveTheirWeightsWiredIn()
    {
        // PE 2, SIMD 4: constant products cost half the adders and no gates; no ROM; the input buffer is registers.
        var r = ResourceModel.Default.Layer(SmallDense, new Folding("d", 2, 4));
        Assert.Equal(260 + 62 + 20, r.Luts);
        Assert.Equal(108, r.Ffs);
        Assert.Equal(0, r.BramBits);

        var binary = ResourceModel.Default.Layer(SmallBinary, new Folding("b", 4, 8)).Terms.ToDictionary(t => t.Part);
        Assert.Equal(0, binary["weight gates"].GateBits);
        Assert.Equal(0, binary["weight ROM"].BramBits);
        Assert.Equal(0, binary["coefficient ROM"].BramBits);
        Assert.Equal(0, binary["coefficient products"].GateBits);
    }

    [Fact]
    public void Pow2LayersUseABarrelShifterInsteadOfBothProducts()
    {
        var pow2 = SmallBinary with { ShiftWidth = 5 };
        var terms = ResourceModel.Default.Layer(pow2, new Folding("b", 2, 8)).Terms.ToDictionary(t => t.Part);
        Expect(terms["chunk shifters"], muxes: 2 * 2 * 5 * 10);   // 2 PE x 2 groups x 5 stages x 10 bits
        Assert.DoesNotContain("factor products", terms.Keys);
        Assert.DoesNotContain("coefficient products", terms.Keys);
        Assert.DoesNotContain("coefficient ROM", terms.Keys);
    }

    [Fact]
    public void ChunkSumsForTheNextLayerAreCounted()
    {
        var terms = ResourceModel.Default.Layer(SmallBinary with { NextChunk = 2 }, new Folding("b", 4, 4)).Terms.ToDictionary(t => t.Part);
        Expect(terms["next-layer chunk sums"], adders: 4 * 10, ffs: 2 * 10);
    }

    [Fact]
    public void CostsAreTheCalibrationKnob()
    {
        var heavierAdders = new ResourceModel(ResourceCosts.Default with { LutsPerAdderBit = 2 });
        Assert.Equal(231 + 108, heavierAdders.Layer(SmallBinary, new Folding("b", 2, 4)).Luts);
        var lut6Muxes = new ResourceModel(ResourceCosts.Default with { LutsPerMux2Bit = 0.5 });
        Assert.Equal(231 - 21.5, lut6Muxes.Layer(SmallBinary, new Folding("b", 2, 4)).Luts, 0.5 + 1e-9);
    }

    [Fact]
    public void DesignIsTheSumOfItsStages()
    {
        var plan = new FoldingPlan([new("l0", 16, 49), new("l4", 4, 16), new("l7", 2, 16)]);
        var design = ResourceModel.Default.Design(FmnistHbnn, 784, plan);
        Assert.Equal(["l0", "l4", "l7"], design.Layers.Select(l => l.Stage));
        Assert.Equal(["input stage", "argmax"], design.Glue.Select(g => g.Stage));
        Assert.Equal(design.Layers.Sum(l => l.Luts) + design.Glue.Sum(g => g.Luts), design.Luts);
        Assert.Equal(design.Layers.Sum(l => l.Ffs) + design.Glue.Sum(g => g.Ffs), design.Ffs);
        // Weight ROMs (784*256*10 + 256*256 + 256*10), coefficient ROMs (256*16*12 + 10*16*12), the input buffer 2*784*8.
        Assert.Equal(784L * 256 * 10 + 256 * 256 + 256 * 10 + 256 * 16 * 12 + 10 * 16 * 12 + 2 * 784 * 8, design.BramBits);
    }

    [Fact]
    public void IllegalFoldingsAreRejected() =>
        Assert.Throws<ArgumentException>(() => ResourceModel.Default.Layer(SmallBinary, new Folding("b", 3, 4)));

    private static void Expect(ResourceTerm term, double adders = 0, double gates = 0, double muxes = 0, double fixedLuts = 0, long ffs = 0, long bram = 0) =>
        Assert.Equal(new ResourceTerm(term.Part, adders, gates, muxes, fixedLuts, ffs, bram), term);
}
