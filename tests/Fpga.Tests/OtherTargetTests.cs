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

    /// <summary>
    /// A build compiled with `--device xc7a35t` or xc7a100t is put in proportion to that device,
    /// not to the xc7z020 (synth used to state the xc7z020's totals for every build); a build
    /// compiled for a non-7-series device keeps the xc7z020 and says why.
    /// </summary>
    [Theory]
    [InlineData("xc7a35t", 20_800, 41_600, 50, 90, 6_400, 5_200, "xc7a35tcpg236-1", "the device the build was compiled for (--device xc7a35t)")]
    [InlineData("xc7a100t", 63_400, 126_800, 135, 240, 19_000, 15_850, "xc7a100tcsg324-1", "the device the build was compiled for (--device xc7a100t)")]
    [InlineData("ice40-up5k", 53_200, 106_400, 140, 220, 17_400, 13_300, "xc7z020clg400-1", "the build was compiled for --device ice40-up5k, not a 7-series part")]
    [InlineData(null, 53_200, 106_400, 140, 220, 17_400, 13_300, "xc7z020clg400-1", "the build was compiled without --device")]
    [InlineData("null", 53_200, 106_400, 140, 220, 17_400, 13_300, "xc7z020clg400-1", "the build was compiled without --device")]
    public void Xc7_states_the_totals_of_the_device_the_build_was_compiled_for(string? device, int luts, int ffs, double bram36, int dsps, int lutRam, int carry4, string part, string why)
    {
        var build = TestBuilds.SumMod10(_temp);
        var manifestPath = Path.Combine(build.Path, BuildFolder.ManifestFile);
        var verilog = File.ReadAllBytes(Path.Combine(build.Path, "rtl", "hwflow_top.v"));
        if (device is not null)
        {
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            manifest["device"] = device == "null" ? null : device; // "null": as compile writes it without --device
            File.WriteAllText(manifestPath, manifest.ToJsonString());
            build = BuildFolder.Open(build.Path);
        }

        var report = new SynthFlow().Run(build, new SynthOptions(FpgaTarget.Xc7)).Report;
        Assert.Equal(part, report.Device);
        Assert.Equal(luts, report.Resource("LUT6")!.Available);
        Assert.Equal(ffs, report.Resource("FF")!.Available);
        Assert.Equal(bram36, report.Resource("BRAM36")!.Available);
        Assert.Equal(dsps, report.Resource("DSP48E1")!.Available);
        Assert.Equal(lutRam, report.Resource("LUTRAM")!.Available);
        Assert.Equal(carry4, report.Resource("CARRY4")!.Available);
        Assert.Equal(0.5 / bram36, report.Resource("BRAM36")!.Fraction);
        var note = Assert.Single(report.Notes, n => n.StartsWith("available counts are those of the ", StringComparison.Ordinal));
        Assert.Contains($"{part}", note);
        Assert.Contains(why, note);

        var folder = Path.Combine(build.Path, "synth", "xc7");
        var md = File.ReadAllText(Path.Combine(folder, "synth.md"));
        Assert.Contains($"Device {part},", md);
        Assert.Contains($"| BRAM36 | RAMB36E1 + RAMB18E1/2 | 0.5 | {bram36} | {100 * 0.5 / bram36:0.0}% |", md);
        Assert.Contains(why, md);
        Assert.Contains($"\"{part}\"", File.ReadAllText(Path.Combine(folder, "vivado.tcl")));
        Assert.Equal(verilog, File.ReadAllBytes(Path.Combine(build.Path, "rtl", "hwflow_top.v")));
    }

    [Fact]
    public void The_7_series_parts_take_their_LUTs_flip_flops_block_RAMs_and_DSPs_from_the_compilers_devices()
    {
        foreach (var device in Compiler.Hardware.Devices.Device.All.Where(d => d.SynthTarget == FpgaTarget.Xc7.Name))
        {
            var part = Xc7Part.Of(device.Name) ?? throw new Xunit.Sdk.XunitException($"{device.Name}: no 7-series part");
            Assert.StartsWith(device.Name, part.VivadoPart, StringComparison.Ordinal);
            Assert.Equal(device.Luts, part.Capacity["LUT6"]);
            Assert.Equal(device.BlockRams, 2 * part.Capacity["BRAM36"]);
        }
        Assert.Null(Xc7Part.Of("ice40-hx8k"));
        Assert.Null(Xc7Part.Of(null));
        Assert.Equal("xc7z020", Xc7Part.Default.DeviceName);
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
