using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Rtl;
using HwFlow.Compiler.Tests.Hardware;

namespace HwFlow.Compiler.Tests.Resources;

/// <summary>The RTL resource count on modules small enough to count by hand, and on a real build.</summary>
public sealed class RtlResourceCountTests
{
    private static RtlPartCount Count(ModuleBuilder m, LogicFabric fabric = LogicFabric.Lut4)
    {
        var parts = RtlResourceCount.Of(new RtlDesign([m.Build()], m.Name), fabric);
        return Assert.Single(parts); // a module without instances is all "top level"
    }

    [Theory]
    [InlineData(LogicFabric.Lut4)]
    [InlineData(LogicFabric.Lut6)]
    public void An_n_bit_adder_is_one_lut_a_bit_beside_its_carry_chain(LogicFabric fabric)
    {
        var m = new ModuleBuilder("adder", withReset: false);
        var sum = m.Output("s", 8);
        m.Assign(sum, m.Add(m.Input("a", 8), m.Input("b", 8)));
        var count = Count(m, fabric);
        Assert.Equal(8, count.Luts[LutClass.Adder]);
        Assert.Equal(8, count.RawLuts);
        Assert.Equal(0, count.Ffs);
        Assert.Equal(fabric == LogicFabric.Lut4 ? 7 : 2, count.Carries); // the top bit's carry out is read by nobody
    }

    [Theory]
    [InlineData(LogicFabric.Lut4, 7)] // SB_LUT4 computes each sum bit beside SB_CARRY (bit 0, a + 1, is an inverter)
    [InlineData(LogicFabric.Lut6, 1)] // CARRY4 adds the carry itself: a bit's LUT is its propagate a ^ 0 = a, a wire
    public void A_counter_takes_a_lut_a_bit_on_ice40_and_none_beside_a_carry4(LogicFabric fabric, int adderLuts)
    {
        var m = new ModuleBuilder("counter", withReset: false);
        var sum = m.Output("s", 8);
        m.Assign(sum, m.Add(m.Input("a", 8), m.Const(1, 8)));
        var count = Count(m, fabric);
        Assert.Equal(adderLuts, count.Luts[LutClass.Adder]); // on LUT6 the chain's second bit keeps one: its carry in is no carry cell yet
    }

    [Theory]
    [InlineData(LogicFabric.Lut6, 4, true)]  // a carry-save product's 4-operand tree: its own class on 7 series
    [InlineData(LogicFabric.Lut6, 5, false)] // five operands and up: the wide adder trees' class
    [InlineData(LogicFabric.Lut4, 4, false)] // iCE40's fit has one tree class
    public void Adder_trees_of_at_most_four_operands_are_counted_apart_on_7_series(LogicFabric fabric, int operands, bool small)
    {
        var m = new ModuleBuilder("tree", withReset: false);
        var terms = Enumerable.Range(0, operands).Select(i => m.Input($"x{i}", 16)).ToList();
        while (terms.Count > 1)
            terms = [.. terms.Chunk(2).Select(pair => pair.Length == 2 ? m.Add(pair[0], pair[1]) : pair[0])];
        m.Assign(m.Output("s", 16), terms[0]);
        var count = Count(m, fabric);
        int tree = count.Luts[LutClass.AdderTree], smallTree = count.Luts[LutClass.SmallAdderTree];
        Assert.True(small ? smallTree > 0 && tree == 0 : tree > 0 && smallTree == 0, $"adder trees {tree}, small adder trees {smallTree}");
        Assert.Equal(0, count.Luts[LutClass.Adder]); // every add of the tree is in one class or the other
    }

    [Fact]
    public void Adding_a_zero_extended_operand_keeps_only_the_bits_that_can_carry()
    {
        // a (4 bits) + b (4 bits) into 8 bits: bits 0-3 add, bit 4 is the carry out itself, bits 5-7 are constant 0
        var m = new ModuleBuilder("narrow", withReset: false);
        var sum = m.Output("s", 8);
        m.Assign(sum, m.Add(m.ZeroExtend(m.Input("a", 4), 8), m.ZeroExtend(m.Input("b", 4), 8)));
        var count = Count(m);
        Assert.Equal(4, count.RawLuts);
        Assert.Equal(4, count.Carries);
    }

    [Fact]
    public void A_register_that_never_changes_or_drives_nothing_vanishes()
    {
        var m = new ModuleBuilder("constant");
        var input = m.Input("x", 8);
        var stuck = m.Register("stuck", 8, resetValue: 5);
        m.Next(stuck, m.Const(5, 8));           // loads what it starts with: constant 5
        var held = m.Register("held", 8);
        m.Next(held, held, m.Input("e", 1));    // holds its reset value forever
        var unread = m.Register("unread", 8);
        m.Next(unread, input);                  // nobody reads it
        var chained = m.Register("chained", 8, resetValue: 5);
        m.Next(chained, stuck);                 // constant once stuck is
        var live = m.Register("live", 8);
        m.Next(live, m.Xor(m.Xor(input, stuck), m.Xor(held, chained)));
        var output = m.Output("y", 8);
        m.Assign(output, live);
        var count = Count(m);
        Assert.Equal(8, count.Ffs);             // only "live"
        Assert.Equal(0, count.RawLuts);         // x ^ 5 ^ 0 ^ 5 = x: no logic left
    }

    [Theory]
    [InlineData(LogicFabric.Lut4, 2)] // yosys 0.23 synth_ice40 of this module: 16 SB_LUT4
    [InlineData(LogicFabric.Lut6, 1)] // synth_xilinx: 8 LUT6
    public void A_four_to_one_multiplexer_is_two_lut4_or_one_lut6_a_bit(LogicFabric fabric, int lutsPerBit)
    {
        var m = new ModuleBuilder("mux4", withReset: false);
        var s0 = m.Input("s0", 1);
        var s1 = m.Input("s1", 1);
        var d = Enumerable.Range(0, 4).Select(i => m.Input($"d{i}", 8)).ToArray();
        var y = m.Output("y", 8);
        m.Assign(y, m.Mux(s1, m.Mux(s0, d[3], d[2]), m.Mux(s0, d[1], d[0])));
        var count = Count(m, fabric);
        Assert.Equal(8 * lutsPerBit, count.Luts[LutClass.Mux]);
        Assert.Equal(8 * lutsPerBit, count.RawLuts);
    }

    [Fact]
    public void A_shift_by_a_signal_amount_is_counted_apart_from_multiplexers()
    {
        // the two fit differently: yosys maps a shifted constant table into far fewer LUTs than its
        // multiplexer stages, while a 2:1 word multiplexer is one LUT a bit
        var m = new ModuleBuilder("shifts", withReset: false);
        var amount = m.Input("amount", 3);
        var a = m.Input("a", 8);
        var b = m.Input("b", 8);
        m.Assign(m.Output("shifted", 8), m.Shift(RtlOp.Shr, a, amount));
        m.Assign(m.Output("picked", 8), m.Mux(m.Input("s", 1), a, b));
        var count = Count(m);
        Assert.True(count.Luts[LutClass.Shift] > 0);
        Assert.Equal(8, count.Luts[LutClass.Mux]);
        Assert.Equal(count.RawLuts, count.Luts[LutClass.Shift] + count.Luts[LutClass.Mux]);
    }

    [Theory]
    [InlineData(LogicFabric.Lut4)]
    [InlineData(LogicFabric.Lut6)]
    public void Shift_registers_and_distributed_ram_are_lut_memory_on_7_series(LogicFabric fabric)
    {
        // yosys 0.23 synth_xilinx of the same module in Verilog: 3 SRL16E, 1 SRLC32E, 18 RAM64M,
        // 34 FDRE (the 17-stage chain keeps its last stage, the two memories their read data);
        // synth_ice40 has no LUT memory: flip-flops and block RAM
        var m = new ModuleBuilder("lutmem", withReset: false);
        var e = m.Input("e", 1);
        foreach (int stages in new[] { 3, 17, 40 })
        {
            var previous = m.Input($"d{stages}", 1);
            for (int i = 0; i < stages; i++)
            {
                var stage = m.Register($"s{stages}_{i}", 1, useReset: false);
                m.Next(stage, previous, e);
                previous = stage;
            }
            m.Assign(m.Output($"q{stages}", 1), previous);
        }
        var a = m.Ram("ma", 16, 64, m.Input("ra", 6), null, m.Input("wa", 6), m.Input("wd", 16), m.Input("we", 1));
        var b = m.Ram("mb", 17, 128, m.Input("rb", 7), null, m.Input("wb", 7), m.Input("wdb", 17), m.Input("web", 1));
        m.Assign(m.Output("qa", 16), a);
        m.Assign(m.Output("qb", 17), b);
        var count = Count(m, fabric);
        if (fabric == LogicFabric.Lut6)
        {
            Assert.Equal(4 + (18 * 4), count.LutMemory);
            Assert.Equal(34, count.Ffs);
            // they take the device's LUTs as logic does: the device check adds them to the fitted logic LUTs
            var fit = DeviceFit.Of(Device.Parse("xc7a35t"), [count], 0);
            Assert.Equal((long)Math.Ceiling(RtlResourceCoefficients.Luts(count, fabric) + count.LutMemory), fit.EstimatedLuts);
        }
        else
        {
            Assert.Equal(0, count.LutMemory);
            Assert.True(count.Ffs >= 3 + 17 + 40); // the chains stay flip-flops, both memories block RAM
            Assert.Equal((16 * 64) + (17 * 128), count.BlockRamBits);
        }
    }

    [Theory]
    [InlineData(182, false)] // 72 x 182: 13,104 bits, 205 as logic against two RAMB18 at 257, so LUTs and 72 read flip-flops
    [InlineData(1024, true)] // 72 x 1,024: 1,152 against four RAMB18, block RAM
    public void A_7_series_rom_stays_in_logic_where_memory_libmap_prices_it_below_its_blocks(int depth, bool block)
    {
        var random = new Random(depth);
        var words = Enumerable.Range(0, depth).Select(_ => ((System.Numerics.BigInteger)random.NextInt64(1L << 36) << 36) | random.NextInt64(1L << 36)).ToArray();
        var m = new ModuleBuilder("rom", withReset: false);
        var q = m.Rom("weights", 72, words, m.Input("a", depth == 182 ? 8 : 10));
        m.Assign(m.Output("q", 72), q);
        var count = Count(m, LogicFabric.Lut6);
        Assert.Equal(block ? 72 * depth : 0, count.BlockRamBits);
        Assert.Equal(block ? 0 : 72, count.Ffs);
        if (!block) Assert.True(count.Luts[LutClass.Memory] >= 72 * 3, $"{count.Luts[LutClass.Memory]} LUTs"); // 182 words: at least three LUT6 a bit
    }

    [Theory]
    [InlineData(3, 1, 0)]
    [InlineData(16, 1, 0)]
    [InlineData(17, 1, 1)]  // SRL16E + FDRE
    [InlineData(18, 1, 0)]  // SRLC32E
    [InlineData(33, 1, 1)]
    [InlineData(40, 2, 0)]  // SRLC32E + SRL16E
    [InlineData(65, 2, 1)]
    [InlineData(300, 10, 0)] // two 128-stage cascades of 4, then 44: 2
    public void A_chain_takes_the_shift_register_luts_yosys_maps_it_to(int depth, int luts, int ffs)
    {
        // 3-65 measured: yosys 0.23 synth_xilinx of a single chain of that length with an enable
        Assert.Equal((luts, ffs), Xc7LutMemory.ShiftRegister(depth));
    }

    [Fact]
    public void A_register_with_an_enable_puts_the_enable_in_the_flip_flop()
    {
        var m = new ModuleBuilder("enabled");
        var d = m.Input("d", 8);
        var e = m.Input("e", 1);
        var explicitEnable = m.Register("a", 8);
        m.Next(explicitEnable, d, e);
        var feedback = m.Register("b", 8);
        m.Next(feedback, m.Mux(e, d, feedback)); // the same, written as a multiplexer on D
        m.Assign(m.Output("ya", 8), explicitEnable);
        m.Assign(m.Output("yb", 8), feedback);
        var count = Count(m);
        Assert.Equal(8, count.Ffs);              // two identical registers merge into one
        Assert.Equal(0, count.RawLuts);
    }

    [Fact]
    public void Two_registers_with_different_enables_both_stay()
    {
        var m = new ModuleBuilder("two");
        var d = m.Input("d", 4);
        var a = m.Register("a", 4);
        m.Next(a, d, m.Input("ea", 1));
        var b = m.Register("b", 4);
        m.Next(b, d, m.Input("eb", 1));
        m.Assign(m.Output("y", 4), m.And(a, b));
        var count = Count(m);
        Assert.Equal(8, count.Ffs);
        Assert.Equal(4, count.Luts[LutClass.Logic]);
    }

    [Fact]
    public void A_flip_flop_shares_a_cell_only_with_a_lut_that_feeds_it_alone()
    {
        var m = new ModuleBuilder("cells");
        var a = m.Input("a", 4);
        var b = m.Input("b", 4);
        var fromPort = m.Register("p", 4);
        m.Next(fromPort, a);                      // D straight from a port: lone
        var piped = m.Register("q", 4);
        m.Next(piped, m.Xor(fromPort, b));        // D a LUT nobody else reads: paired
        var shared = m.Xor(piped, a);
        var twice = m.Register("r", 4);
        m.Next(twice, shared);                    // D a LUT the output reads too: lone
        m.Assign(m.Output("y", 4), m.Xor(twice, shared));
        var count = Count(m);
        Assert.Equal(12, count.Ffs);
        Assert.Equal(8, count.LoneFfs);
    }

    [Fact]
    public void A_real_build_counts_the_same_every_time_and_splits_by_layer()
    {
        var design = SmallDesigns.Generate(SmallDesigns.Hbnn(), (1, 2), (1, 1)).Rtl;
        var first = RtlResourceCount.Of(design, LogicFabric.Lut4);
        var second = RtlResourceCount.Of(RtlParser.Parse(RtlPrinter.Print(design), "design.rtl"), LogicFabric.Lut4);
        Assert.Equal(Describe(first), Describe(second));
        Assert.Contains(first, p => p.Instance == "argmax" && p.RawLuts > 0 && p.Ffs > 0);
        Assert.True(first.Count(p => p.Instance.StartsWith("layer_", StringComparison.Ordinal) && p.RawLuts > 0) >= 2);
        Assert.Equal("", first[^1].Instance);
    }

    private static string Describe(IReadOnlyList<RtlPartCount> parts) => string.Join("\n", parts.Select(p =>
        $"{p.Instance}: ff {p.Ffs} bram {p.BlockRamBits} carry {p.Carries} " + string.Join(" ", p.Luts.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"))));
}
