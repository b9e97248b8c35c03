using HwFlow.Fpga;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Tests;

public sealed class OtherTargetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Xc7_counts_LUT6_FF_BRAM_and_DSP_as_an_estimate_and_writes_a_Vivado_script()
    {
        var build = TestBuilds.SumMod10(_temp);
        var outcome = new SynthFlow().Run(build, new SynthOptions(FpgaTarget.Xc7, ClockMhz: 200));
        var report = outcome.Report;
        Assert.False(report.PlacedAndRouted);
        Assert.Null(report.FmaxMhz);
        Assert.Contains(report.Notes, n => n.StartsWith("estimate: yosys synth_xilinx counts, without place and route", StringComparison.Ordinal));
        Assert.InRange(report.Resource("LUT6")!.Used, 5, 100);
        Assert.InRange(report.Resource("FF")!.Used, 8, 40);
        Assert.Equal(0.5, report.Resource("BRAM36")!.Used);
        Assert.Equal(0, report.Resource("DSP48E1")!.Used);
        Assert.Equal(53_200, report.Resource("LUT6")!.Available);
        Assert.Equal(Math.Round(200e6 / 785, 1), report.FramesPerSecondAtClock);

        var folder = Path.Combine(build.Path, "synth", "xc7");
        var tcl = File.ReadAllText(Path.Combine(folder, "vivado.tcl"));
        Assert.Contains("read_verilog {rtl/hwflow_top.v}", tcl);
        Assert.Contains("read_verilog {rtl/mod10_rom.v}", tcl);
        Assert.Contains("cd [file normalize [file join $here ../..]]", tcl);
        Assert.Contains("synth_design -top hwflow_top -part $part -mode out_of_context", tcl);
        Assert.Contains("route_design", tcl);
        Assert.Contains("xc7z020clg400-1", tcl);
        Assert.Equal("create_clock -name clk -period 5 [get_ports clk]\n", File.ReadAllText(Path.Combine(folder, "hwflow_top.xdc")));
        Assert.Contains("**estimate from synthesis only, no place and route**", File.ReadAllText(Path.Combine(folder, "synth.md")));
    }

    [Fact]
    public void Xc7_attributes_LUTs_to_the_layer_instance_that_holds_them()
    {
        // abc names xc7 LUTs $abc$...; without naming them after their nets every LUT counted as "top level".
        var build = BuildFolder.Open(TestBuilds.Custom(_temp, "layer-split", DesignSnippets.LogicInLayerInstance));
        var report = new SynthFlow().Run(build, new SynthOptions(FpgaTarget.Xc7)).Report;
        var layer = Assert.Single(report.Layers!, l => l.Instance == "layer_l0");
        Assert.True(layer.Luts > 0, $"layer_l0: {layer.Luts} LUTs of {report.Resource("LUT6")!.Used}");
        Assert.True(layer.Ffs > 0, $"layer_l0: {layer.Ffs} flip-flops");
    }

    [Fact]
    public void Hx8k_places_and_routes_the_test_core_without_SPRAM_or_DSP_rows()
    {
        var build = TestBuilds.SumMod10(_temp);
        var report = new SynthFlow().Run(build, new SynthOptions(FpgaTarget.Ice40Hx8k, ClockMhz: 30)).Report;
        Assert.Equal("iCE40HX8K-CT256", report.Device);
        Assert.Equal(7680, report.Resource("LUT4")!.Available);
        Assert.Equal(32, report.Resource("BRAM")!.Available);
        Assert.Null(report.Resource("SPRAM"));
        Assert.Null(report.Resource("DSP"));
        Assert.True(report.TimingMet);
        Assert.Contains(report.Commands, c => c.StartsWith("nextpnr-ice40 --hx8k --package ct256 ", StringComparison.Ordinal) && c.Contains("--freq 30 "));
        Assert.True(File.Exists(Path.Combine(build.Path, "synth", "ice40-hx8k", "hwflow_top.bin")));
    }

    [Fact]
    public void The_icebreaker_shell_gets_a_bitstream_with_the_board_pins_at_12_MHz()
    {
        var build = TestBuilds.SumMod10(_temp);
        var outcome = new SynthFlow().Run(build, new SynthOptions(FpgaTarget.Ice40Up5k, Shell: BoardShell.Icebreaker));
        var report = outcome.Report;
        Assert.Equal("icebreaker", report.Shell);
        Assert.Equal("icebreaker_top", report.Top);
        Assert.Equal(12, report.ClockMhz);
        Assert.True(report.TimingMet);
        Assert.Equal(6, report.Resource("IO")!.Used);
        // The FIFO holds a whole 784-byte frame: 1024 x 8 bits, two block RAMs, plus the core's ROM.
        Assert.Equal(3, report.Resource("BRAM")!.Used);
        var folder = Path.Combine(build.Path, "synth", "ice40-up5k-icebreaker");
        Assert.Equal(folder, outcome.Folder);
        Assert.True(File.Exists(Path.Combine(folder, "icebreaker_top.bin")));
        Assert.Contains(report.Commands, c => c.Contains("--pcf synth/ice40-up5k-icebreaker/shell/icebreaker.pcf"));
        var script = File.ReadAllText(Path.Combine(folder, "synth.ys"));
        Assert.Contains("chparam -set INPUT_BYTES 784 icebreaker_top", script);
        Assert.Contains("chparam -set CLKS_PER_BIT 104 icebreaker_top", script);
        Assert.Contains(report.Notes, n => n.Contains("about 14.7 frames/s"));
    }
}
