using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Runtime.Errors;
using static HwFlow.Compiler.Tests.Folding.SampleDesigns;

namespace HwFlow.Compiler.Tests.Folding;


public sealed class FoldingFileTests
{
    private const string File = "fold.yaml";

    [Fact]
    public void ReadsEveryLayerInModelOrder()
    {
        var plan = FoldingFile.Parse("layers:\n  l7: { pe: 2, simd: 16 }\n  l0: { pe: 16, simd: 49 }\n  l4:\n    simd: 16\n    pe: 8\n", File, FmnistHbnn);
        Assert.Equal([new LayerFolding("l0", 16, 49), new LayerFolding("l4", 8, 16), new LayerFolding("l7", 2, 16)], plan.Layers);
    }

    [Fact]
    public void FormatReadsBackToTheSamePlan()
    {
        var plan = FoldingOptimizer.Optimize(FmnistHbnn, 784, new FoldingGoal.Fastest());
        var text = FoldingFile.Format(plan);
        Assert.StartsWith("# PE output neurons and SIMD inputs per cycle, per layer (hwflow --folding)\nlayers:\n  l0: { pe: ", text);
        Assert.Equal(plan.Layers, FoldingFile.Parse(text, File, FmnistHbnn).Layers);
    }

    [Theory]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49 }\n  l9: { pe: 1, simd: 1 }\n",
        "fold.yaml:3:3: unknown layer 'l9' (the model's layers are: l0, l4, l7)")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49 }\n",
        "fold.yaml:2:3: no folding for layers l4, l7 (every layer needs { pe, simd })")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49 }\n  l4: { pe: 8, simd: 16 }\n",
        "fold.yaml:2:3: no folding for layer l7 (every layer needs { pe, simd })")]
    [InlineData("layers:\n  l0: { pe: 0, simd: 49 }\n  l4: { pe: 8, simd: 16 }\n  l7: { pe: 2, simd: 16 }\n",
        "fold.yaml:2:13: layer l0: PE must be a positive integer, got 0")]
    [InlineData("layers:\n  l0: { pe: 16, simd: -7 }\n  l4: { pe: 8, simd: 16 }\n  l7: { pe: 2, simd: 16 }\n",
        "fold.yaml:2:23: layer l0: SIMD must be a positive integer, got -7")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49 }\n  l4: { pe: 8, simd: 12 }\n  l7: { pe: 2, simd: 16 }\n",
        "fold.yaml:3:22: layer l4: SIMD 12 must divide the 256 inputs (legal SIMD values: 1, 2, 4, 8, 16, 32, 64, 128, 256)")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49 }\n  l4: { pe: 32, simd: 16 }\n  l7: { pe: 11, simd: 16 }\n",
        "fold.yaml:4:13: layer l7: PE 11 is more than the 10 outputs")]
    [InlineData("layers:\n  l0: { pe: 12, simd: 49 }\n  l4: { pe: 8, simd: 16 }\n  l7: { pe: 2, simd: 16 }\n",
        "fold.yaml:2:13: layer l0: PE 12 must divide the 256 outputs (legal PE values: 1, 2, 4, 8, 16, 32, 64, 128, 256)")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49 }\n  l4: { pe: 8, simd: 16 }\n  l7: { pe: 2, simd: 16 }\n  l0: { pe: 1, simd: 1 }\n",
        "fold.yaml:5:3: malformed YAML: Duplicate key")]
    [InlineData("layers:\n  l0: { pe: sixteen, simd: 49 }\n",
        "fold.yaml:2:13: pe of layer l0 must be an integer, got 'sixteen'")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 4.5 }\n",
        "fold.yaml:2:23: simd of layer l0 must be an integer, got '4.5'")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49, pes: 2 }\n",
        "fold.yaml:2:27: unknown key 'pes' in the folding of layer l0 (expected one of: pe, simd)")]
    [InlineData("layers:\n  l0: { pe: 16 }\n",
        "fold.yaml:2:7: the folding of layer l0 needs the key 'simd'")]
    [InlineData("layers:\n  l0: [16, 49]\n",
        "fold.yaml:2:7: the folding of layer l0 must be a mapping (key: value)")]
    [InlineData("layers:\n  - l0\n",
        "fold.yaml:2:3: layers must be a mapping (key: value)")]
    [InlineData("folding:\n  l0: { pe: 16, simd: 49 }\n",
        "fold.yaml:1:1: unknown key 'folding' in the folding file (expected one of: layers)")]
    [InlineData("# nothing here\n",
        "fold.yaml: the folding file is empty; expected 'layers:' with { pe, simd } for each of l0, l4, l7")]
    [InlineData("layers:\n  l0: { pe: 16, simd: 49\n",
        "fold.yaml:3:1: malformed YAML: ")]
    public void RejectsMistakesAtTheirLineAndColumn(string text, string expected)
    {
        var error = Assert.Throws<UserError>(() => FoldingFile.Parse(text, File, FmnistHbnn));
        Assert.StartsWith(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void RejectsAChunkSplittingSimd()
    {
        var shapes = new[] { Binary("l1", 48, 24, chunk: 12, factor: 8, coefficient: 4, shift: 0, accumulator: 20, output: 20, nextChunk: 0) };
        var error = Assert.Throws<UserError>(() => FoldingFile.Parse("layers:\n  l1: { pe: 2, simd: 8 }\n", File, shapes));
        Assert.Equal("fold.yaml:2:22: layer l1: SIMD 8 must divide the chunk length 12 or be a multiple of it, so that a compute beat "
            + "never splits a chunk (legal SIMD values: 1, 2, 3, 4, 6, 12, 24, 48)", error.Message);
    }

    [Fact]
    public void LoadReportsAMissingFileAndReadsARealOne()
    {
        using var temp = new TempFolder();
        var missing = temp.File("none.yaml");
        Assert.Equal($"{missing}: no such folding file", Assert.Throws<UserError>(() => FoldingFile.Load(missing, FmnistHbnn)).Message);

        var path = temp.File("fold.yaml");
        System.IO.File.WriteAllText(path, "layers:\n  l0: { pe: 1, simd: 1 }\n  l4: { pe: 1, simd: 1 }\n  l7: { pe: 10, simd: 256 }\n");
        Assert.Equal(new LayerFolding("l7", 10, 256), FoldingFile.Load(path, FmnistHbnn).For("l7"));
    }
}
