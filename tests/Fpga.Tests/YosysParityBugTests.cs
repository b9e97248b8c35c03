namespace HwFlow.Fpga.Tests;

/// <summary>
/// <see cref="YosysNetlist.Sdp72ParityCopies"/>: yosys 0.23 maps a memory written 72 bits at a time
/// (here 98 x 128, the shape of fmnist-tiny-pow2's layer_l0_sum.input_0) to RAMB36E1s whose upper
/// parity inputs repeat the lower ones (yosys pull request 5833), while a 72-bit ROM and a 36-bit
/// written memory in the same design map correctly and are not named. If this yosys is ever fixed,
/// the first assertion fails and the note in synth.md can go.
/// </summary>
public sealed class YosysParityBugTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void The_netlist_names_the_72_bit_written_block_rams_whose_parity_inputs_yosys_copied()
    {
        var rtl = WriteDesign();
        var json = _temp.File("netlist.json");
        var synth = FpgaTools.Default.Yosys.Run(["-q", "-p",
            $"read_verilog {rtl}; synth_xilinx -top mems -family xc7 -flatten -noiopad -noclkbuf; write_json {json}"], _temp.Path);
        Assert.True(synth.Succeeded, synth.FirstError);

        var netlist = YosysNetlist.Load(json, "mems");
        Assert.True(netlist.Count("RAMB36E1") + netlist.Count("RAMB18E1") >= 4, string.Join(", ", netlist.CellCounts)); // all three memories in block RAM
        Assert.Equal(["wide.0.0", "wide.0.1"], netlist.Sdp72ParityCopies.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The gate check's way round it (<see cref="YosysScript.Xc7GateCheck"/> with a block RAM map):
    /// with yosys's own map the hand-run map_memory gives byte for byte synth_xilinx's netlist (so
    /// the memory_libmap arguments are synth_xilinx 0.23's for xc7), and with the corrected map
    /// (<see cref="YosysScript.Xc7FixedBlockRamMap"/>) the 72-bit written block RAMs take their own
    /// upper parity bits; those bits are then read back as written (Xc7BlockRamModelTests's SDP 72 case).
    /// </summary>
    [Fact]
    public void The_gate_check_maps_72_bit_written_block_rams_with_their_own_parity_bits_and_all_else_as_synth_xilinx()
    {
        var rtl = WriteDesign();
        var design = new SynthDesign([rtl], "mems", []);
        var installed = FpgaTools.Default.YosysDataFile(YosysScript.Xc7BlockRamMapFile);
        var fixedMap = YosysScript.Xc7FixedBlockRamMap(File.ReadAllText(installed), Path.GetDirectoryName(installed)!);
        Assert.NotNull(fixedMap); // this yosys still has the wrong test
        File.WriteAllText(_temp.File("fixed_map.v"), fixedMap);

        string Netlist(string name, string? map)
        {
            var verilog = _temp.File(name + ".v");
            var script = _temp.File(name + ".ys");
            File.WriteAllText(script, YosysScript.Xc7GateCheck(design, verilog, map) + $"write_json {_temp.File(name + ".json")}\n");
            var run = FpgaTools.Default.Yosys.Run(["-q", "-s", script], _temp.Path);
            Assert.True(run.Succeeded, run.FirstError);
            return File.ReadAllText(verilog);
        }
        var stock = Netlist("stock", null);
        Assert.Equal(stock, Netlist("split", installed));
        Assert.Equal(["wide.0.0", "wide.0.1"], YosysNetlist.Load(_temp.File("stock.json"), "mems").Sdp72ParityCopies.Order(StringComparer.Ordinal));

        var corrected = Netlist("corrected", _temp.File("fixed_map.v"));
        Assert.NotEqual(stock, corrected);
        Assert.Empty(YosysNetlist.Load(_temp.File("corrected.json"), "mems").Sdp72ParityCopies);
        Assert.Contains(".DIPBDIP({ d[71], d[62], d[53], d[44] })", corrected);
    }

    private string WriteDesign()
    {
        var rtl = _temp.File("mems.v");
        File.WriteAllText(rtl, """
            module mems(input clk, input we, input [6:0] wa, input [6:0] ra, input [127:0] d, output reg [127:0] q, output reg [71:0] r, output reg [35:0] s);
              (* no_rw_check *) reg [127:0] wide [0:97];
              reg [71:0] rom [0:511];
              reg [35:0] narrow [0:511];
              integer i;
              initial for (i = 0; i < 512; i = i + 1) rom[i] = {i[7:0] ^ 8'h5a, 64'h0123456789abcdef ^ {8{i[7:0]}}};
              always @(posedge clk) begin
                if (we) wide[wa] <= d;
                q <= wide[ra];
                r <= rom[{ra, wa[1:0]}];
                if (we) narrow[{wa, ra[1:0]}] <= d[35:0];
                s <= narrow[{ra, wa[1:0]}];
              end
            endmodule
            """);
        return rtl;
    }

    public void Dispose() => _temp.Dispose();
}
