using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Resources;

/// <summary>LUT packing on graphs whose optimal mapping can be stated by hand.</summary>
public sealed class LutCutMapperTests
{
    private static int Luts(BitGraph g, int k, params int[] outputs)
    {
        var live = new bool[g.Count];
        for (int v = 2; v < g.Count; v++) live[v] = true;
        return LutPacker.Pack(g, live, outputs, k).Values.Sum(c => c.Luts);
    }

    [Theory]
    [InlineData(6, 2)] // each output's support (6 and 5 inputs) fits one LUT6: the shared multiplexer is copied into both (synth_xilinx: a LUT6 and a LUT5)
    [InlineData(4, 3)] // LUT4: the shared 3-input multiplexer, then one LUT per output over it (neither output fits one LUT4)
    public void A_shared_node_is_duplicated_into_readers_whose_support_fits_one_lut(int k, int expected)
    {
        var g = new BitGraph();
        var x = Enumerable.Range(0, 6).Select(_ => g.Source()).ToArray();
        int shared = g.Mux(x[0], x[1], x[2]);
        int y0 = g.Xor(shared, g.Mux(x[3], x[4], x[5]));
        int y1 = g.And(shared, g.Xor(x[3], x[4]));
        Assert.Equal(expected, Luts(g, k, y0, y1));
    }

    [Theory]
    [InlineData(4, 3)] // two LUT4 of four inputs and one over both
    [InlineData(6, 1)] // abc maps for depth: one LUT8, which yosys splits by its two selects into four LUT6 of which three are constant 0 (synth_xilinx: 1 LUT6, 2 MUXF7, 1 MUXF8)
    public void An_eight_input_and_is_three_lut4_or_one_lut6_of_a_lut8(int k, int expected)
    {
        var g = new BitGraph();
        var x = Enumerable.Range(0, 8).Select(_ => g.Source()).ToArray();
        int all = x.Skip(1).Aggregate(x[0], g.And);
        Assert.Equal(expected, Luts(g, k, all));
    }

    [Fact]
    public void A_seven_input_xor_is_a_lut7_of_two_lut6()
    {
        // synth_xilinx: 2 LUT6 and a MUXF7 (the two cofactors x and not x of the select are both needed)
        var g = new BitGraph();
        var x = Enumerable.Range(0, 7).Select(_ => g.Source()).ToArray();
        Assert.Equal(2, Luts(g, 6, x.Skip(1).Aggregate(x[0], g.Xor)));
    }

    [Fact]
    public void An_inverter_read_by_luts_is_no_lut_of_its_own()
    {
        var g = new BitGraph();
        var x = Enumerable.Range(0, 4).Select(_ => g.Source()).ToArray();
        int a = g.Not(g.And(x[0], x[1]));
        Assert.Equal(2, Luts(g, 6, g.Or(a, x[2]), g.Xor(a, x[3])));
    }

    [Fact]
    public void A_six_to_three_compressor_is_one_lut6_per_output_bit()
    {
        // the LUT6 compressor tree's 6:3 counter: three tables over the same six bits, whose
        // multiplexer trees share nodes; synth_xilinx maps each table to one LUT6
        var m = new ModuleBuilder("counter", withReset: false);
        var bits = m.Input("x", 6);
        var sum = new ColumnSum(3);
        for (int i = 0; i < 6; i++) sum.AddBit(0, m.Bit(bits, i));
        var (value, _) = CompressorTree.Build(m, sum, LogicFabric.Lut6, "c");
        m.Assign(m.Output("y", 3), value);
        var count = Assert.Single(RtlResourceCount.Of(new RtlDesign([m.Build()], m.Name), LogicFabric.Lut6));
        Assert.Equal(3, count.RawLuts);
    }
}
