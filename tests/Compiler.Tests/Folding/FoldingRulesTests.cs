using HwFlow.Compiler.Hardware.Folding;
using static HwFlow.Compiler.Tests.Folding.SampleDesigns;

namespace HwFlow.Compiler.Tests.Folding;

// The test namespace ends in .Folding, which would hide the contract type of the same name.

public sealed class FoldingRulesTests
{
    private static readonly LayerShape Chunk12 = Binary("l4", 48, 24, chunk: 12, factor: 8, coefficient: 4, shift: 0, accumulator: 20, output: 1, nextChunk: 16);

    [Fact]
    public void DivisorsAreAscendingAndComplete()
    {
        Assert.Equal([1], FoldingRules.Divisors(1));
        Assert.Equal([1, 2, 4, 7, 8, 14, 16, 28, 49, 56, 98, 112, 196, 392, 784], FoldingRules.Divisors(784));
        Assert.Equal([1, 97], FoldingRules.Divisors(97));
        Assert.Equal([1, 2, 3, 4, 6, 9, 12, 18, 36], FoldingRules.Divisors(36));
    }

    [Fact]
    public void BinarySimdMustDivideTheChunkOrBeAMultipleOfIt()
    {
        // Divisors of 48 are 1 2 3 4 6 8 12 16 24 48; 8 and 16 would split a 12-chunk across beats.
        Assert.Equal([1, 2, 3, 4, 6, 12, 24, 48], FoldingRules.LegalSimds(Chunk12));
        // Chunk 16 does not divide 100 inputs (the last chunk has 4): no multiple of 16 divides 100.
        var ragged = Binary("l1", 100, 10, chunk: 16, factor: 0, coefficient: 0, shift: 0, accumulator: 10, output: 10, nextChunk: 0);
        Assert.Equal([1, 2, 4], FoldingRules.LegalSimds(ragged));
    }

    [Fact]
    public void PeMustDivideTheNextChunkOrBeAMultipleOfIt()
    {
        // Divisors of 24 are 1 2 3 4 6 8 12 24; with next chunk 16 only those dividing 16 remain.
        Assert.Equal([1, 2, 4, 8], FoldingRules.LegalPes(Chunk12));
        // no next chunk: the outputs may be padded, and the list offers the smallest PE of each fold count (5: 5 folds, the last padded)
        Assert.Equal([1, 2, 3, 4, 5, 6, 8, 12, 24], FoldingRules.LegalPes(Chunk12 with { NextChunk = 0 }));
        Assert.Equal([1, 2, 3, 6, 12, 24], FoldingRules.LegalPes(Chunk12 with { NextChunk = 6 }));
    }

    [Fact]
    public void DenseLayersIgnoreTheirChunkField()
    {
        var dense = Dense("l0", 12, 6, weightWidth: 4, accumulator: 16, output: 1, nextChunk: 0) with { Chunk = 5 };
        Assert.Equal([1, 2, 3, 4, 6, 12], FoldingRules.LegalSimds(dense));
    }

    [Fact]
    public void LegalFoldingsAreExactlyThePairsCheckAccepts()
    {
        foreach (var shape in new[] { Chunk12, Chunk12 with { NextChunk = 0, Chunk = 5 }, FmnistHbnn[2] })
        {
            var legal = FoldingRules.LegalFoldings(shape).ToHashSet();
            Assert.Equal(FoldingRules.LegalPes(shape).Count * FoldingRules.LegalSimds(shape).Count, legal.Count);
            for (int pe = 0; pe <= shape.Outputs + 1; pe++)
                for (int simd = 0; simd <= shape.Inputs + 1; simd++)
                {
                    // where a layer pads, every PE (SIMD) up to its size is accepted and the lists hold the useful ones
                    var f = new LayerFolding(shape.Name, pe, simd);
                    bool peOk = FoldingRules.PadsOutputs(shape) ? pe >= 1 && pe <= shape.Outputs : FoldingRules.LegalPes(shape).Contains(pe);
                    bool simdOk = FoldingRules.PadsInputs(shape) ? simd >= 1 && simd <= shape.Inputs : FoldingRules.LegalSimds(shape).Contains(simd);
                    Assert.Equal(peOk && simdOk, FoldingRules.Check(shape, f) is null);
                    if (legal.Contains(f)) Assert.True(peOk && simdOk);
                }
        }
    }

    [Theory]
    [InlineData(0, 12, "layer l4: PE must be a positive integer, got 0")]
    [InlineData(2, -1, "layer l4: SIMD must be a positive integer, got -1")]
    [InlineData(5, 12, "layer l4: PE 5 must divide the 24 outputs (legal PE values: 1, 2, 4, 8)")]
    [InlineData(3, 12, "layer l4: PE 3 must divide the next layer's chunk length 16 or be a multiple of it, so that an output beat never splits a chunk (legal PE values: 1, 2, 4, 8)")]
    [InlineData(24, 12, "layer l4: PE 24 must divide the next layer's chunk length 16 or be a multiple of it, so that an output beat never splits a chunk (legal PE values: 1, 2, 4, 8)")]
    [InlineData(4, 5, "layer l4: SIMD 5 must divide the 48 inputs (legal SIMD values: 1, 2, 3, 4, 6, 12, 24, 48)")]
    [InlineData(4, 16, "layer l4: SIMD 16 must divide the chunk length 12 or be a multiple of it, so that a compute beat never splits a chunk (legal SIMD values: 1, 2, 3, 4, 6, 12, 24, 48)")]
    [InlineData(3, 16, "layer l4: PE 3 must divide the next layer's chunk length 16 or be a multiple of it, so that an output beat never splits a chunk (legal PE values: 1, 2, 4, 8)")]
    public void CheckNamesTheLayerAndTheFirstViolatedConstraint(int pe, int simd, string expected) =>
        Assert.Equal(expected, FoldingRules.Check(Chunk12, new LayerFolding("l4", pe, simd)));

    [Fact]
    public void LegalFoldingsPass()
    {
        Assert.Null(FoldingRules.Check(Chunk12, new LayerFolding("l4", 8, 24)));
        Assert.Null(FoldingRules.Check(Chunk12, new LayerFolding("l4", 1, 1)));
        Assert.True(FoldingRules.IsLegal(FmnistHbnn[0], new LayerFolding("l0", 16, 49)));
    }

    [Fact]
    public void MalformedShapesAreProgrammingErrors()
    {
        Assert.Throws<ArgumentException>(() => FoldingRules.LegalPes(Chunk12 with { Outputs = 0 }));
        Assert.Throws<ArgumentException>(() => FoldingRules.LegalSimds(Chunk12 with { Chunk = 0 }));
        Assert.Throws<ArgumentException>(() => FoldingRules.Check(Chunk12 with { AccumulatorWidth = 0 }, new LayerFolding("l4", 1, 1)));
    }
}
