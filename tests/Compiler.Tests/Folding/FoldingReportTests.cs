using System.Text.Json;
using HwFlow.Compiler.Hardware.Folding;
using static HwFlow.Compiler.Tests.Folding.SampleDesigns;

namespace HwFlow.Compiler.Tests.Folding;

public sealed class FoldingReportTests
{
    // l0: 16 x 16 = 256 cycles; l4: 64 x 16 = 1,024 (the slowest); l7: 5 x 16 = 80.
    private static readonly FoldingPlan Plan = new([new("l0", 16, 49), new("l4", 4, 16), new("l7", 2, 16)]);

    private static FoldingReport Report() => FoldingReport.Of(FmnistHbnn, 784, Plan, 100);

    [Fact]
    public void PredictsCyclesIiFramesAndLatency()
    {
        var r = Report();
        Assert.Equal([256L, 1024L, 80L], r.Layers.Select(l => l.Cycles));
        Assert.Equal("(256 / 16) * (784 / 49) = 16 * 16 = 256", r.Layers[0].CycleFormula);
        Assert.Equal("(10 / 2) * (256 / 16) = 5 * 16 = 80", r.Layers[2].CycleFormula);
        Assert.Equal(1024, r.InitiationInterval);
        Assert.Equal("l4", r.LimitedBy);
        Assert.Equal(100e6 / 1024, r.FramesPerSecond);
        Assert.Equal(784 + 256 + 1024 + 80, r.LatencyCycles);
        Assert.Equal(21.44, r.LatencyMicroseconds, 1e-9);
        Assert.Null(r.Layers[0].Chunk);
        Assert.Equal(16, r.Layers[1].Chunk);
        Assert.Equal(["input stage", "argmax"], r.OtherStages.Select(s => s.Name));
        Assert.Equal([784L, 80L], r.OtherStages.Select(s => s.Cycles));
    }

    [Fact]
    public void ResourceNoteSaysWhetherTheModelIsFitted()
    {
        Assert.Contains("fitted against yosys", Report().ResourceNote);
        var structural = new ResourceModel(ResourceCosts.Default with { Calibration = ResourceCalibration.None });
        Assert.Contains("without calibration", FoldingReport.Of(FmnistHbnn, 784, Plan, 100, structural).ResourceNote);
    }

    [Fact]
    public void ResourcesAreTheModelsEstimate()
    {
        var r = Report();
        var design = ResourceModel.Default.Design(FmnistHbnn, 784, Plan);
        Assert.Equal(design.Luts, r.Luts);
        Assert.Equal(design.Ffs, r.Ffs);
        Assert.Equal(design.BramBits, r.BramBits);
        Assert.Equal(design.Layers.Select(l => l.Luts), r.Layers.Select(l => l.Luts));
        Assert.Equal(r.Luts, r.Layers.Sum(l => l.Luts) + r.OtherStages.Sum(s => s.Luts));
    }

    [Fact]
    public void TheInputStreamIsNamedWhenItSetsTheIi()
    {
        var fast = new FoldingPlan([new("l0", 16, 49), new("l4", 16, 16), new("l7", 2, 16)]);
        var r = FoldingReport.Of(FmnistHbnn, 784, fast, 100);
        Assert.Equal(784, r.InitiationInterval);
        Assert.Equal("input stream", r.LimitedBy);
        Assert.Contains("set by the input stream", FoldingReportText.Markdown(r));
    }

    [Fact]
    public void DerivationSpellsOutEveryStep()
    {
        var r = Report();
        Assert.Equal("II = max(InputBytes, max over layers of cycles = (Outputs / PE) * (Inputs / SIMD)); frames/s = clock / II", r.CycleFormula);
        Assert.Contains("l4: (256 / 4) * (256 / 16) = 64 * 16 = 1,024 cycles", r.Derivation);
        Assert.Contains("input stream: 784 bytes at one byte per cycle = 784 cycles", r.Derivation);
        Assert.Contains(r.Derivation, line => line.EndsWith("= max(784, 256, 1,024, 80) = 1,024 cycles per frame (l4).", StringComparison.Ordinal));
        Assert.Equal("frames/s = clock / II = 100 MHz / 1,024 = 97,656 (rounded down).", r.Derivation[^1]);
    }

    [Fact]
    public void MarkdownHasTheTableAndTheSummary()
    {
        var md = FoldingReportText.Markdown(Report());
        Assert.StartsWith("| layer | kind | inputs | outputs | chunk | PE | SIMD | cycles/frame | LUTs | FFs | BRAM bits |\n|---|---|---:|", md);
        Assert.Contains("\n| l0 | dense | 784 | 256 | - | 16 | 49 | 256 | ", md);
        Assert.Contains("\n| l4 | binary | 256 | 256 | 16 | 4 | 16 | 1,024 | ", md);
        Assert.Contains("\n| total |  |  |  |  |  |  | II 1,024 | ", md);
        Assert.Contains("Initiation interval: **1,024 cycles per frame**, set by layer l4: **97,656 frames/s** at 100 MHz.", md);
        Assert.Contains("Latency: about 2,144 cycles (21.44 us); placeholder", md);
        Assert.Contains("- l0: (256 / 16) * (784 / 49) = 16 * 16 = 256 cycles\n", md);
    }

    [Fact]
    public void PlainTableIsAlignedAscii()
    {
        var lines = FoldingReportText.PlainTable(Report()).TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.All(ch => ch < 128), line));
        // Header, rule, 3 layers, input stage, argmax, total: numbers right-aligned, so every table line ends in the same column.
        var table = lines[..^1];
        Assert.Equal(8, table.Length);
        Assert.All(table, line => Assert.Equal(table[0].Length, line.Length));
        Assert.StartsWith("layer ", table[0]);
        Assert.StartsWith("l4 ", table[3]);
        Assert.StartsWith("II 1,024 cycles/frame (set by layer l4), 97,656 frames/s at 100 MHz", lines[^1]);
    }

    [Fact]
    public void SerializesToJson()
    {
        var json = JsonSerializer.Serialize(Report(), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(1024, doc.RootElement.GetProperty("initiationInterval").GetInt64());
        Assert.Equal("l4", doc.RootElement.GetProperty("limitedBy").GetString());
        Assert.Equal(49, doc.RootElement.GetProperty("layers")[0].GetProperty("simd").GetInt32());
    }

    [Fact]
    public void IncompleteOrIllegalPlansAreProgrammingErrors()
    {
        var missing = Assert.Throws<ArgumentException>(() => FoldingReport.Of(FmnistHbnn, 784, new FoldingPlan([new("l0", 16, 49)]), 100));
        Assert.Equal("the folding plan has no entry for layer l4", missing.Message);
        var illegal = Assert.Throws<ArgumentException>(() => FoldingReport.Of(FmnistHbnn, 784, Plan with { Layers = [new("l0", 16, 48), .. Plan.Layers.Skip(1)] }, 100));
        Assert.StartsWith("layer l0: SIMD 48 must divide the 784 inputs", illegal.Message);
    }
}
