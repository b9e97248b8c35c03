using HwFlow.Fpga.Simulation;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// The behavioural RAMB18E1/RAMB36E1 (<see cref="Xc7BlockRamModels"/>) against the RTL they were
/// mapped from: memories written and read in every mode synth_xilinx uses (TDP 1, 9, 18 and 36 bits,
/// SDP 36 and 72 bits, read first and write first, byte enables, initial contents, two write ports
/// with port B writing read first and write first; the
/// fixture's $readmemh files are read from its folder, where yosys and Icarus run and write nothing), driven by
/// random addresses and data, must give the same output checksums as the RTL under Icarus.
/// </summary>
public sealed class Xc7BlockRamModelTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public void Block_ram_models_compute_what_the_rtl_they_were_mapped_from_computes()
    {
        var fixture = Path.Combine(TestBuilds.RepoRoot, "tests", "fixtures", "xc7-block-ram");
        var rtl = Path.Combine(fixture, "block_rams.v");
        var bench = Path.Combine(fixture, "block_ram_bench.v");
        var gates = _temp.File("gates.v");
        var synth = FpgaTools.Default.Yosys.Run(["-q", "-p",
            $"read_verilog {rtl}; synth_xilinx -top mems -family xc7 -flatten -noiopad -noclkbuf -nosrl; write_verilog -noattr {gates}"], fixture);
        Assert.True(synth.Succeeded, synth.FirstError);

        var netlist = File.ReadAllText(gates);
        foreach (var mode in new[] { "RAM_MODE(\"SDP\")", "READ_WIDTH_A(32'd72)", "WRITE_WIDTH_B(32'd36)", "WRITE_WIDTH_A(32'd9)", "WRITE_WIDTH_A(32'd36)", "READ_WIDTH_A(32'd1)", "WRITE_MODE_A(\"WRITE_FIRST\")", "WRITE_MODE_B(\"WRITE_FIRST\")", "WRITE_WIDTH_B(32'd18)" })
            Assert.Contains(mode, netlist);

        var cells = _temp.File("xc7_cells_sim.v");
        File.WriteAllText(cells, Xc7BlockRamModels.CellModels(File.ReadAllText(FpgaTools.Default.YosysDataFile("xilinx/cells_sim.v"))));
        var expected = Checksums(IcarusSimulation.Default.Run([bench, rtl], "mem_bench", fixture, _temp.File("rtl"), "DONE", TimeSpan.FromMinutes(5)));
        var actual = Checksums(IcarusSimulation.Default.Run([bench, gates, cells], "mem_bench", fixture, _temp.File("gates"), "DONE", TimeSpan.FromMinutes(5)));
        Assert.Equal(expected, actual);
        Assert.Equal(8, expected.Split(' ').Skip(1).Distinct().Count()); // eight outputs that all moved
    }

    private static string Checksums(IReadOnlyList<string> lines) => lines.Single(l => l.StartsWith("K ", StringComparison.Ordinal));

    public void Dispose() => _temp.Dispose();
}
