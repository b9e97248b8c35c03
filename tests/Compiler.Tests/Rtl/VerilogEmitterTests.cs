using CsCheck;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Rtl;

public sealed class VerilogEmitterTests
{
    [Fact]
    public void EmittingTwiceGivesTheSameBytes()
    {
        RandomRtl.Recipes.Sample(recipe =>
        {
            var first = RandomRtl.Build(recipe.Child, recipe.Top);
            var second = RtlParser.Parse(RtlPrinter.Print(first), "again.rtl");
            Assert.Equal(RtlGoldenTests.Concatenated(VerilogEmitter.Emit(first)), RtlGoldenTests.Concatenated(VerilogEmitter.Emit(second)));
        }, iter: 50);

        using var temp = new TempFolder();
        var design = RandomRtl.EveryOpAtEveryWidth();
        var a = VerilogEmitter.Write(design, Path.Combine(temp.Path, "a"));
        var b = VerilogEmitter.Write(design, Path.Combine(temp.Path, "b"));
        Assert.Equal(a.Select(Path.GetFileName), b.Select(Path.GetFileName));
        foreach (var (left, right) in a.Zip(b)) Assert.Equal(File.ReadAllBytes(left), File.ReadAllBytes(right));
    }

    [Fact]
    public void ThereIsNoMultiplicationAnywhere()
    {
        var designs = RtlGoldenTests.CaseNames().Select(RtlGoldenTests.Load).Append(RandomRtl.EveryOpAtEveryWidth());
        foreach (var file in designs.SelectMany(d => VerilogEmitter.Emit(d)).Where(f => f.Name.EndsWith(".v", StringComparison.Ordinal)))
            Assert.DoesNotContain("*", file.Content);
    }

    [Fact]
    public void FilesAreOnePerModuleAndOneHexFilePerMemory()
    {
        var files = VerilogEmitter.Emit(RtlGoldenTests.Load("hierarchy")).Select(f => f.Name);
        Assert.Equal(["scale.v", "pair.v", "pair.fifo_0.hex"], files);
    }

    [Fact]
    public void HexFilesHoldOneWordPerLineAndZerosWithoutInit()
    {
        var rom = VerilogEmitter.Emit(RtlGoldenTests.Load("rom_lookup")).Single(f => f.Name == "rom_lookup.rom_0.hex");
        Assert.Equal(16, rom.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("000\n001\n004\n009\n010\n", rom.Content);
        Assert.EndsWith("0e1\n", rom.Content);
        var fifo = VerilogEmitter.Emit(RtlGoldenTests.Load("hierarchy")).Single(f => f.Name == "pair.fifo_0.hex");
        Assert.Equal("00\n00\n00\n00\n", fifo.Content);
    }

    [Fact]
    public void ModuleConventions()
    {
        var text = VerilogEmitter.Emit(RtlGoldenTests.Load("rom_lookup")).Single(f => f.Name == "rom_lookup.v").Content;
        Assert.Contains("  reg [11:0] rom_0 [0:15];\n", text);
        Assert.Contains("  initial $readmemh(\"rom_lookup.rom_0.hex\", rom_0);\n", text);
        Assert.Contains("    if (read) rom_0_q <= rom_0[addr];\n", text);
        Assert.Contains("  reg [2:0] seen_0 = 3'h5;\n", text); // no reset: power-on value as initial value
        Assert.Contains("`default_nettype none", text);

        var neuron = VerilogEmitter.Emit(RtlGoldenTests.Load("xnor_popcount")).Single().Content;
        Assert.Contains("assign les_0 = $signed(threshold) <= $signed(add_0);", neuron);
        Assert.Contains("assign pop_0 = {1'd0, (not_0[0] & not_0[1]) | (not_0[0] & not_0[2]) | (not_0[1] & not_0[2]), not_0[0] ^ not_0[1] ^ not_0[2]} + ", neuron);
        Assert.Contains("    if (rst) acc_0 <= 6'h00;\n    else acc_0 <= add_0;\n", neuron);
    }

    [Fact]
    public void PartlyUnusedSignalsAndOnlyThoseCarryALintWaiver()
    {
        var text = VerilogEmitter.Emit(RtlGoldenTests.Load("hierarchy")).Single(f => f.Name == "pair.v").Content;
        var waived = text.Split('\n').Select((line, i) => (line, i)).Where(x => x.line.Contains("lint_off UNUSEDSIGNAL"))
            .Select(x => text.Split('\n')[x.i + 1].Trim()).ToList();
        Assert.Equal(["input wire rst,", "wire [5:0] u0_q;"], waived);
    }

    /// <summary>
    /// Verilator turns a ?: whose select is a data bit into a branch; the shift-add products of a
    /// first layer hold thousands of multiplexers with a zero arm, so those must come out as masks
    /// (VerilogSemanticsTests checks that the masks compute the multiplexer).
    /// </summary>
    [Fact]
    public void MultiplexersWithAZeroArmAreMasksWithoutBranches()
    {
        var b = new ModuleBuilder("masked", withReset: false);
        var s = b.Input("s", 1);
        var a = b.Input("a", 22);
        var zero = b.Const(0, 22);
        b.Assign(b.Output("p", 22), b.Mux(s, a, zero));
        b.Assign(b.Output("q", 22), b.Mux(s, zero, a));
        b.Assign(b.Output("r", 22), b.Mux(s, a, b.Const(1, 22)));
        var text = VerilogEmitter.Emit(new RtlDesign([b.Build()], "masked")).Single().Content;
        Assert.Contains("assign mux_0 = a & {22{s}};", text);
        Assert.Contains("assign mux_1 = a & ~{22{s}};", text);
        Assert.Contains("assign mux_2 = s ? a : k_1;", text);
        Assert.Single(text.Split('\n'), line => line.Contains('?'));
    }

    [Fact]
    public void WideConstantsAreSizedHexLiterals()
    {
        var b = new ModuleBuilder("wide", withReset: false);
        var o = b.Output("o", 127);
        b.Assign(o, b.Const(System.Numerics.BigInteger.Pow(2, 126) + 1, 127));
        var text = VerilogEmitter.Emit(new RtlDesign([b.Build()], "wide")).Single().Content;
        Assert.Contains("127'h40000000000000000000000000000001", text);
    }
}
