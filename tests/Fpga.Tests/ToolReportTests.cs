using HwFlow.Fpga;

namespace HwFlow.Fpga.Tests;

/// <summary>The parsers of nextpnr's report and yosys's multiplier list, on small hand-written inputs.</summary>
public sealed class ToolReportTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private NextpnrReport Report(string json)
    {
        var path = _temp.File("report.json");
        File.WriteAllText(path, json);
        return NextpnrReport.Load(path);
    }

    private const string Packed = """
        {"utilization": {
          "ICESTORM_LC": {"available": 5280, "used": 6000},
          "ICESTORM_RAM": {"available": 30, "used": 45},
          "ICESTORM_DSP": {"available": 8, "used": 0}}}
        """;

    [Fact]
    public void Fit_check_lists_every_overflow_with_its_excess_and_advice_for_the_first()
    {
        var error = FitCheck.Error(Report(Packed), FpgaTarget.Ice40Up5k)!;
        Assert.Equal("ice40-up5k: the design does not fit the iCE40UP5K-SG48: " +
                     "logic cells (LUT4 + FF) [ICESTORM_LC] 6000 used of 5280 (over by 720, 13.6% too many); " +
                     "block RAM (4 kbit) [ICESTORM_RAM] 45 used of 30 (over by 15, 50% too many); " +
                     "fold more: smaller PE/SIMD, so fewer neurons and inputs are computed in parallel", error.Message);
    }

    [Fact]
    public void Block_RAM_alone_gets_its_own_advice_and_a_fitting_design_no_error()
    {
        var ram = Report("""{"utilization": {"ICESTORM_LC": {"available": 5280, "used": 100}, "ICESTORM_RAM": {"available": 30, "used": 31}}}""");
        Assert.EndsWith("over by 1, 3.3% too many); fold differently: fewer PE (each PE's weights take their own block RAMs) or a device with more block RAM",
            FitCheck.Error(ram, FpgaTarget.Ice40Up5k)!.Message);
        Assert.Null(FitCheck.Error(Report("""{"utilization": {"ICESTORM_LC": {"available": 5280, "used": 5280}}}"""), FpgaTarget.Ice40Up5k));
    }

    [Fact]
    public void A_design_placement_gave_up_on_under_capacity_is_named_by_its_fullest_resource()
    {
        var packed = Report("""{"utilization": {"ICESTORM_LC": {"available": 5280, "used": 5112}, "ICESTORM_RAM": {"available": 30, "used": 20}, "SB_IO": {"available": 39, "used": 38}}}""");
        Assert.Null(FitCheck.Error(packed, FpgaTarget.Ice40Up5k));
        var error = FitCheck.AtLimit(packed, FpgaTarget.Ice40Up5k)!.Message;
        Assert.Contains("SB_IO] at 38 of 39 (97.4%), too full to place", error); // the fullest, not the first kind
        Assert.StartsWith("ice40-up5k: the design does not fit the iCE40UP5K-SG48: placement found no legal place", error);
        Assert.Contains("logic cells (LUT4 + FF) [ICESTORM_LC] at 5112 of 5280 (96.8%)",
            FitCheck.AtLimit(Report("""{"utilization": {"ICESTORM_LC": {"available": 5280, "used": 5112}, "ICESTORM_RAM": {"available": 30, "used": 20}}}"""), FpgaTarget.Ice40Up5k)!.Message);
        Assert.Null(FitCheck.AtLimit(Report("""{"utilization": {}}"""), FpgaTarget.Ice40Up5k));
    }

    [Theory]
    [InlineData("ERROR: Failed to expand region (0, 0) |_> (25, 31) of 5401 ICESTORM_LCs", true)] // TFC_2W2A on the UP5K, 102% of the cells
    [InlineData("ERROR: Unable to place cell 'x', no BELs remaining to implement cell type 'ICESTORM_LC'", true)]
    [InlineData("ERROR: Design uses 31 ICESTORM_RAM, but device only has 30", true)]
    [InlineData("ERROR: Unable to find legal placement for all cells, design is probably at utilisation limit.", true)] // TFC_1W2A's smallest design on the UP5K, 96.8% of the cells
    [InlineData("ERROR: Max frequency for clock 'clk': 10.00 MHz (FAIL at 12.00 MHz)", false)]
    [InlineData("ERROR: Unable to read chipdb", false)] // "Unable to place" only, not every "Unable to"
    public void Placement_giving_up_is_told_from_other_nextpnr_failures(string output, bool gaveUp)
    {
        Assert.Equal(gaveUp, FitCheck.PlacementGaveUp(output));
    }

    [Fact]
    public void Reads_fmax_and_the_clock_to_clock_critical_path()
    {
        var report = Report("""
            {"fmax": {"clk$SB_IO_IN_$glb_clk": {"achieved": 60.5, "constraint": 100}},
             "critical_paths": [
               {"from": "<async>", "to": "posedge clk$SB_IO_IN_$glb_clk", "path": [
                 {"delay": 1.0, "from": {"cell": "in", "port": "O"}, "to": {"cell": "x", "port": "I0"}, "type": "source"}]},
               {"from": "posedge clk$SB_IO_IN_$glb_clk", "to": "posedge clk$SB_IO_IN_$glb_clk", "path": [
                 {"delay": 1.25, "from": {"cell": "acc_DFF", "port": "CLK"}, "to": {"cell": "acc_DFF", "port": "O"}, "type": "clk-to-q"},
                 {"delay": 2.5, "net": "acc[3]", "from": {"cell": "acc_DFF", "port": "O"}, "to": {"cell": "sum_LC", "port": "I1"}, "type": "routing"},
                 {"delay": 0.75, "net": "sum[1]", "from": {"cell": "sum_LC", "port": "O"}, "to": {"cell": "out_DFF", "port": "I2"}, "type": "routing"}]}]}
            """);
        var clock = Assert.Single(report.Clocks);
        Assert.False(clock.Met);
        Assert.Equal("clk", NextpnrReport.UserClockName(clock.Clock));
        var path = report.CriticalPathOf(clock.Clock)!;
        Assert.Equal(new PathEnd("acc_DFF", "O", "acc[3]"), path.Source);
        Assert.Equal(new PathEnd("out_DFF", "I2", "sum[1]"), path.Sink);
        Assert.Equal(4.5, path.DelayNs);
    }

    [Fact]
    public void Multiplier_report_gives_type_module_and_source()
    {
        var cells = MultiplierCheck.ParseReport("multiply-free check\ntype $mul\nlayer0/$mul$rtl/layer0.v:12$34\ntype $macc\ntype SB_MAC16\nhwflow_top/mac\n");
        Assert.Equal([new MultiplierCell("$mul", "layer0", "$mul$rtl/layer0.v:12$34", "rtl/layer0.v:12"), new MultiplierCell("SB_MAC16", "hwflow_top", "mac", null)], cells);
        var error = Assert.Throws<HwFlow.Runtime.Errors.UserError>(() => MultiplierCheck.Require(cells, "ice40-up5k"));
        Assert.Equal("ice40-up5k: the design is not multiply-free: 2 multiplier cells: $mul in module layer0 (rtl/layer0.v:12); " +
                     "SB_MAC16 in module hwflow_top (cell mac) (HwFlow hardware must multiply by shifts and adds only)", error.Message);
        MultiplierCheck.Require(MultiplierCheck.ParseReport("multiply-free check\ntype $mul\ntype SB_MAC16\n"), "ice40-up5k");
    }
}
