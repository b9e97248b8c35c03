using System.Numerics;
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

    /// <summary>
    /// Block shapes on iCE40 (bench/ice40-bram-shapes.sh: each memory alone, random contents,
    /// yosys 0.23 `synth_ice40` up to map_ffram). yosys lays the words of several blocks-deep slices
    /// side by side and weighs blocks against the read multiplexer, so 16 x 6,272 takes 26 blocks
    /// (512 x 8, 13 deep), not the fewest (25 of 256 x 16), and 9 x 5,632 takes 13, not 15.
    /// </summary>
    [Theory]
    [InlineData(16, 6272, false, 26)]
    [InlineData(9, 5632, false, 13)]
    [InlineData(16, 256, false, 1)]
    [InlineData(16, 300, false, 2)]
    [InlineData(16, 600, false, 3)]
    [InlineData(8, 1000, false, 2)]
    [InlineData(12, 512, false, 2)]
    [InlineData(12, 1024, false, 3)]
    [InlineData(6, 1024, false, 2)]
    [InlineData(3, 3000, false, 3)]
    [InlineData(5, 2048, false, 3)]
    [InlineData(20, 700, false, 4)]
    [InlineData(32, 1568, false, 14)]
    [InlineData(24, 4096, false, 24)]
    [InlineData(1, 5000, false, 2)]
    [InlineData(17, 1024, false, 5)]
    [InlineData(10, 2500, false, 7)]
    [InlineData(16, 10048, false, 40)]
    [InlineData(4, 784, false, 1)]
    [InlineData(16, 128, false, 1)]
    [InlineData(32, 64, false, 0)]
    [InlineData(48, 200, false, 3)]
    [InlineData(16, 256, true, 1)]
    [InlineData(16, 512, true, 2)]
    [InlineData(8, 784, true, 2)]
    [InlineData(12, 1024, true, 3)]
    [InlineData(24, 196, true, 2)]
    [InlineData(64, 49, true, 4)]
    [InlineData(6, 1024, true, 2)]
    [InlineData(16, 3136, true, 13)]
    [InlineData(2, 4096, true, 2)]
    [InlineData(9, 600, true, 2)]
    [InlineData(32, 98, true, 2)]
    [InlineData(12, 640, true, 3)]
    [InlineData(5, 3000, true, 4)]
    public void An_ice40_memory_takes_the_blocks_of_the_shape_yosys_picks(int width, int depth, bool written, int blocks)
    {
        Assert.Equal(blocks, BlockRamUse.Of(OneMemory(width, depth, written, MemoryStyle.Auto), LogicFabric.Lut4));
    }

    [Fact]
    public void A_rom_bit_that_is_the_same_in_every_word_takes_no_block_ram()
    {
        // 18 bits whose top two are constant: 16 stored bits, one 256 x 16 block (yosys opt_mem)
        var words = Enumerable.Range(0, 256).Select(i => (BigInteger)((i * 40503) & 0xFFFF) | (BigInteger.One << 17)).ToArray();
        Assert.Equal(1, BlockRamUse.Of(OneMemory(18, 256, false, MemoryStyle.Block, words), LogicFabric.Lut4));
        words[3] ^= BigInteger.One << 16;
        Assert.Equal(2, BlockRamUse.Of(OneMemory(18, 256, false, MemoryStyle.Block, words), LogicFabric.Lut4));
    }

    /// <summary>Unmarked memories on xc7, as yosys 0.23 `synth_xilinx` mapped them in the xc7 samples (sessions 14-16; RAMB18 count, 0 = logic or LUT RAM).</summary>
    [Theory]
    [InlineData(18, 256, false, 0)]  // ROM: flip-flop mapping (the read multiplexers in LUTs)
    [InlineData(16, 256, false, 0)]
    [InlineData(45, 64, false, 0)]
    [InlineData(17, 1024, false, 1)] // a ROM of one RAMB18
    [InlineData(1120, 182, false, 0)] // mnist-bnn-mlp at l0 10 x 112: 3,185 as logic against 16 RAMB36 at 4,114
    [InlineData(280, 728, false, 16)] // the same bits 4x deeper: 8 RAMB36 at 2,058, block RAM
    [InlineData(36, 182, false, 0)]  // 102 against a RAMB18 at 131 (`debug memory_libmap`)
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

    /// <summary>One memory; a ROM gets varied contents (as the measured ones had), unless <paramref name="init"/> is given.</summary>
    private static RtlDesign OneMemory(int width, int depth, bool written, MemoryStyle style, IReadOnlyList<BigInteger>? init = null)
    {
        if (!written && init is null)
        {
            var random = new Random(width * 100_003 + depth);
            init = Enumerable.Range(0, depth).Select(i => i < 2 ? (i == 0 ? BigInteger.Zero : (BigInteger.One << width) - 1)
                : new BigInteger(random.NextInt64(0, 1L << Math.Min(width, 62))) | (width > 62 ? BigInteger.One << (width - 1) : 0)).ToArray();
        }
        var address = new RtlSignal("addr", Math.Max(1, (depth - 1).ToString("b").Length), SignalKind.Input);
        var data = new RtlSignal("q", width, SignalKind.Wire);
        IReadOnlyList<RtlWritePort> writes = written ? [new RtlWritePort(address, new RtlSignal("d", width, SignalKind.Input), new RtlSignal("we", 1, SignalKind.Input))] : [];
        var memory = new RtlMemory("m", width, depth, init, [new RtlReadPort(address, data, null)], writes) { Style = style };
        var module = new RtlModule("top", [address], [data], [], [], [memory], []);
        return new RtlDesign([module], "top");
    }
}
