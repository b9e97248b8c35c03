using CsCheck;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Rtl;

/// <summary>The emitted Verilog goes through the real tools: Verilator -Wall lint, Icarus in 2005 mode, Yosys elaboration and iCE40 synthesis.</summary>
public sealed class VerilogToolTests
{
    [Fact]
    public void GoldensAreLintCleanAndAcceptedByIcarusAndYosys()
    {
        using var temp = new TempFolder();
        var designs = new List<(string, string)>();
        foreach (var name in RtlGoldenTests.CaseNames())
        {
            var design = RtlGoldenTests.Load(name);
            var folder = Path.Combine(temp.Path, name);
            HdlTools.EmitInto(design, folder);
            HdlTools.AssertVerilatorClean(folder, design.Top);
            HdlTools.AssertIcarusAccepts(folder, design.Top);
            designs.Add((folder, design.Top));
        }
        HdlTools.AssertYosysAccepts(designs, temp.Path);
    }

    [Fact]
    public void RandomDesignsAreLintCleanAndAcceptedByIcarusAndYosys()
    {
        using var temp = new TempFolder();
        var designs = new List<(string, string)>();
        var all = RandomRtl.EveryOpAtEveryWidth();
        var allFolder = Path.Combine(temp.Path, "all");
        HdlTools.EmitInto(all, allFolder);
        HdlTools.AssertVerilatorClean(allFolder, all.Top);
        HdlTools.AssertIcarusAccepts(allFolder, all.Top);
        designs.Add((allFolder, all.Top));

        RandomRtl.Recipes.Sample(recipe =>
        {
            var design = RandomRtl.Build(recipe.Child, recipe.Top);
            var folder = Path.Combine(temp.Path, $"random{designs.Count}");
            HdlTools.EmitInto(design, folder);
            HdlTools.AssertVerilatorClean(folder, design.Top);
            HdlTools.AssertIcarusAccepts(folder, design.Top);
            designs.Add((folder, design.Top));
        }, iter: 15, threads: 1, print: r => $"child {string.Join(' ', r.Child.AsEnumerable())} top {string.Join(' ', r.Top.AsEnumerable())}");
        HdlTools.AssertYosysAccepts(designs, temp.Path);
    }

    [Fact]
    public void YosysMapsARomToBlockRamAndFindsNoMultiplier()
    {
        using var temp = new TempFolder();
        var b = new ModuleBuilder("weights");
        var address = b.Input("address", 8);
        var read = b.Input("read", 1);
        var word = b.Output("word", 16);
        var random = new HwFlow.Runtime.Numerics.SplitMix64(7);
        var contents = Enumerable.Range(0, 256).Select(_ => new System.Numerics.BigInteger(random.NextUInt64() & 0xffff)).ToList();
        b.Assign(word, b.Rom("rom", 16, contents, address, read));
        var design = new RtlDesign([b.Build()], "weights");
        HdlTools.EmitInto(design, temp.Path);
        var cells = HdlTools.SynthIce40(temp.Path, design.Top);
        Assert.True(cells.GetValueOrDefault("SB_RAM40_4K") == 1 && !cells.ContainsKey("SB_LUT4"),
            "expected the ROM in one SB_RAM40_4K and no logic, got " + string.Join(", ", cells));
        Assert.DoesNotContain(cells.Keys, k => k.Contains("MAC16") || k.Contains("$mul"));
    }

    [Fact]
    public void EveryOpSynthesizesWithoutMultiplier()
    {
        using var temp = new TempFolder();
        var design = RtlGoldenTests.Load("every_op");
        HdlTools.EmitInto(design, temp.Path);
        var cells = HdlTools.SynthIce40(temp.Path, design.Top);
        Assert.True(cells.GetValueOrDefault("SB_LUT4") > 0, "expected logic, got " + string.Join(", ", cells));
        Assert.DoesNotContain(cells.Keys, k => k.Contains("MAC16") || k.Contains("$mul"));
    }
}
