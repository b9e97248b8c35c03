using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Tests.Hardware;

/// <summary>
/// The block RAMs `compile --device` counts are the ones yosys maps: an unmarked memory goes to
/// block RAM only where yosys's memory_libmap finds it cheaper than soft logic.
/// </summary>
public sealed class BlockRamUseTests
{
    /// <summary>Unmarked memories on iCE40, with what yosys 0.23 `synth_ice40` made of each alone (SB_RAM40_4K count, 0 = LUTs).</summary>
    [Theory]
    [InlineData(19, 64, false, 0)]  // 159 LUT4
    [InlineData(20, 64, false, 0)]  // 121 LUT4
    [InlineData(32, 64, false, 0)]  // 256 LUT4: a tie (two blocks against 2,048 bits / 16) goes to logic
    [InlineData(16, 64, false, 0)]
    [InlineData(4, 256, false, 0)]
    [InlineData(64, 64, false, 0)]
    [InlineData(16, 128, false, 1)]
    [InlineData(17, 128, false, 2)]
    [InlineData(10, 256, false, 1)]
    [InlineData(24, 128, false, 2)]
    [InlineData(16, 3136, false, 13)]
    [InlineData(128, 98, true, 8)]   // a written RAM costs a flip-flop per bit as logic
    public void An_unmarked_ice40_memory_counts_the_blocks_yosys_maps(int width, int depth, bool written, int blocks)
    {
        var design = OneMemory(width, depth, written, MemoryStyle.Auto);
        Assert.Equal(blocks, BlockRamUse.Of(design, LogicFabric.Lut4));
    }

    /// <summary>Unmarked memories on xc7, as yosys 0.23 `synth_xilinx` mapped them in the session 14 xc7 samples (RAMB18 count, 0 = logic or LUT RAM).</summary>
    [Theory]
    [InlineData(18, 256, false, 0)]  // ROM: flip-flop mapping (the read multiplexers in LUTs)
    [InlineData(16, 256, false, 0)]
    [InlineData(45, 64, false, 0)]
    [InlineData(17, 1024, false, 1)] // a ROM of one RAMB18
    [InlineData(17, 128, true, 0)]   // RAM128X1D
    [InlineData(224, 56, true, 0)]   // 75 RAM64M
    [InlineData(128, 98, true, 4)]   // two RAMB36 in 72-wide SDP: four RAMB18 of bits
    [InlineData(18, 256, true, 1)]
    public void An_unmarked_xc7_memory_counts_the_blocks_yosys_maps(int width, int depth, bool written, int blocks)
    {
        Assert.Equal(blocks, BlockRamUse.Of(OneMemory(width, depth, written, MemoryStyle.Auto), LogicFabric.Lut6));
    }

    [Fact]
    public void A_memory_marked_for_block_ram_counts_however_small()
    {
        Assert.Equal(1, BlockRamUse.Of(OneMemory(10, 40, written: false, MemoryStyle.Block), LogicFabric.Lut4));
        Assert.Equal(0, BlockRamUse.Of(OneMemory(16, 3136, written: false, MemoryStyle.Logic), LogicFabric.Lut4));
    }

    /// <summary>
    /// run.sh's fmnist-tiny (l0.sum 1 x 16, l4 1 x 2, l7 1 x 1): yosys and nextpnr place 25 block
    /// RAMs (sessions 4 and 5). The first layer's 19 x 64 bias and 32 x 64 post-op ROMs and l4's
    /// 20 x 64 bias ROM are LUTs in yosys; counting them as two blocks each said 31. Since session 10
    /// the activation banks of l4 and l7 (64 inputs, PE 1) are one block each: 27.
    /// </summary>
    [Fact]
    public void Fmnist_tiny_as_run_sh_folds_it_counts_the_27_block_rams_yosys_maps()
    {
        var graph = IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example("fmnist-tiny")), new CompileOptions());
        var stages = StagePlanner.Plan(graph);
        var plan = FoldingFile.Parse("layers:\n  l0.sum: { pe: 1, simd: 16 }\n  l4: { pe: 1, simd: 2 }\n  l7: { pe: 1, simd: 1 }\n", "folding.yaml", StagePlanner.Shapes(stages));
        var design = HardwareGenerator.Generate(stages, plan, new HardwareOptions { Fabric = LogicFabric.Lut4 });

        Assert.Equal(3136, design.CyclesPerFrame);
        Assert.Equal(27, BlockRamUse.Of(design.Rtl, LogicFabric.Lut4));
    }

    private static RtlDesign OneMemory(int width, int depth, bool written, MemoryStyle style)
    {
        var address = new RtlSignal("addr", Math.Max(1, (depth - 1).ToString("b").Length), SignalKind.Input);
        var data = new RtlSignal("q", width, SignalKind.Wire);
        IReadOnlyList<RtlWritePort> writes = written ? [new RtlWritePort(address, new RtlSignal("d", width, SignalKind.Input), new RtlSignal("we", 1, SignalKind.Input))] : [];
        var memory = new RtlMemory("m", width, depth, null, [new RtlReadPort(address, data, null)], writes) { Style = style };
        var module = new RtlModule("top", [address], [data], [], [], [memory], []);
        return new RtlDesign([module], "top");
    }
}
