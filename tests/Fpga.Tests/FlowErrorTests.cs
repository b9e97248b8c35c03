using HwFlow.Fpga;
using HwFlow.Sim.Tools;
using HwFlow.Runtime.Errors;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Tests;

/// <summary>Each way a synth run can fail gives one line that says what and where, and leaves no output folder.</summary>
public sealed class FlowErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private UserError Fails(string buildPath, SynthOptions options, FpgaTools? tools = null)
    {
        var build = BuildFolder.Open(buildPath);
        var error = Assert.Throws<UserError>(() => new SynthFlow(tools ?? FpgaTools.Default).Run(build, options));
        Assert.DoesNotContain('\n', error.Message);
        var synth = Path.Combine(build.Path, "synth");
        // Nothing but the failed tool's log, which the error names (a failure before any tool ran leaves none).
        var left = Directory.Exists(synth) ? Directory.EnumerateFileSystemEntries(synth).Select(Path.GetFileName).ToList() : [];
        Assert.True(left.All(f => f!.EndsWith(".failed.log", StringComparison.Ordinal) && error.Message.Contains(f, StringComparison.Ordinal)), "a failed run left files in " + synth + ": " + string.Join(", ", left));
        return error;
    }

    [Fact]
    public void A_multiplier_names_the_cell_type_and_the_module()
    {
        var build = TestBuilds.Custom(_temp, "mul", DesignSnippets.MultiplierInSubmodule);
        var error = Fails(build, new SynthOptions(FpgaTarget.Ice40Up5k));
        Assert.Contains("not multiply-free", error.Message);
        Assert.Contains("$mul in module scaler (rtl/hwflow_top.v:2)", error.Message);
    }

    [Fact]
    public void A_multiplier_fails_the_xc7_estimate_before_yosys_maps_it_to_a_DSP48()
    {
        var build = TestBuilds.Custom(_temp, "mul-xc7", DesignSnippets.MultiplierInSubmodule);
        var error = Fails(build, new SynthOptions(FpgaTarget.Xc7));
        Assert.Contains("xc7: the design is not multiply-free", error.Message);
        Assert.Contains("$mul in module scaler", error.Message);
    }

    [Fact]
    public void Instantiated_DSP_primitives_are_multipliers_too()
    {
        var ice40 = Fails(TestBuilds.Custom(_temp, "mac", DesignSnippets.InstantiatedMac), new SynthOptions(FpgaTarget.Ice40Up5k));
        Assert.Contains("SB_MAC16 in module hwflow_top (cell mac)", ice40.Message);
        var xc7 = Fails(TestBuilds.Custom(_temp, "dsp", DesignSnippets.InstantiatedDsp48), new SynthOptions(FpgaTarget.Xc7));
        Assert.Contains("DSP48E1 in module hwflow_top (cell dsp)", xc7.Message);
    }

    [Fact]
    public void Products_with_powers_of_two_are_shifts_and_pass_the_check()
    {
        var build = BuildFolder.Open(TestBuilds.Custom(_temp, "shifts", DesignSnippets.PowerOfTwoProducts));
        var outcome = new SynthFlow().Run(build, new SynthOptions(FpgaTarget.Ice40Up5k));
        Assert.Equal(0, outcome.Report.Resource("DSP")!.Used);
        Assert.Contains("type $mul\n", File.ReadAllText(Path.Combine(outcome.Folder, "multipliers.txt")));
        Assert.Equal(0, outcome.Report.MultiplierCells);
    }

    [Fact]
    public void A_design_that_does_not_fit_says_what_overflowed_by_how_much_and_suggests_folding()
    {
        var build = TestBuilds.Custom(_temp, "big", DesignSnippets.TooManyFlipFlops);
        var error = Fails(build, new SynthOptions(FpgaTarget.Ice40Up5k));
        Assert.Contains("does not fit the iCE40UP5K-SG48", error.Message);
        Assert.Contains("logic cells (LUT4 + FF) [ICESTORM_LC] 5304 used of 5280 (over by 24, 0.5% too many)", error.Message);
        Assert.Contains("smaller PE/SIMD", error.Message);
    }

    [Fact]
    public void A_missed_clock_reports_fmax_and_the_critical_path_endpoints()
    {
        var build = TestBuilds.SumMod10(_temp);
        var error = Fails(build.Path, new SynthOptions(FpgaTarget.Ice40Up5k, ClockMhz: 400));
        Assert.Matches(@"timing not met: clock clk reaches \d+\.\d\d MHz, the target is 400 MHz", error.Message);
        Assert.Matches(@"critical path \(\d+\.\d\d ns\) from \S+ \(net [^)]+, rtl/hwflow_top\.v:\d+\) to \S+ \(net [^)]+\)", error.Message);
        Assert.Contains("rerun with --clock-mhz", error.Message);
    }

    [Fact]
    public void A_missing_tool_names_its_Debian_package_before_any_work()
    {
        var missing = new ExternalTool("nextpnr-ice40-not-installed", "HWFLOW_TEST_NOT_SET", "nextpnr-ice40", "--version", new Version(0, 4));
        var tools = FpgaTools.Default with { Nextpnr = missing };
        var error = Fails(TestBuilds.SumMod10(_temp).Path, new SynthOptions(FpgaTarget.Ice40Up5k), tools);
        Assert.Contains("nextpnr-ice40-not-installed was not found", error.Message);
        Assert.Contains("Debian package nextpnr-ice40", error.Message);
    }

    [Fact]
    public void A_Verilog_error_quotes_yosys()
    {
        var error = Fails(TestBuilds.Custom(_temp, "syntax", DesignSnippets.SyntaxError), new SynthOptions(FpgaTarget.Ice40Hx8k));
        Assert.Contains("ice40-hx8k: yosys failed on the design:", error.Message);
        Assert.Contains("rtl/hwflow_top.v", error.Message);
    }

    [Fact]
    public void A_board_shell_needs_its_own_device()
    {
        var error = Assert.Throws<UserError>(() => BoardShell.Parse("icebreaker", FpgaTarget.Ice40Hx8k));
        Assert.Equal("--shell icebreaker needs --target ice40-up5k (the board's device), not ice40-hx8k", error.Message);
        Assert.Contains("expected one of icebreaker", Assert.Throws<UserError>(() => BoardShell.Parse("arty", FpgaTarget.Ice40Up5k)).Message);
        Assert.Contains("expected one of ice40-up5k, ice40-hx8k, xc7", Assert.Throws<UserError>(() => FpgaTarget.Parse("ecp5")).Message);
    }
}
