namespace HwFlow.Cli.Tests;

/// <summary>
/// `hwflow synth` as a user runs it: on a copy of the sum-mod-10 test core's build folder for the
/// mechanics and errors, and on the shipped fmnist-tiny for the real thing.
/// </summary>
public sealed class SynthCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string TestCore()
    {
        var from = Path.Combine(CliProcess.RepoRoot, "tests", "fixtures", "sum-mod10-build");
        var to = _temp.File("build");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return to;
    }

    [Fact]
    public void Json_output_is_one_object_with_the_report_and_the_bitstream()
    {
        var build = TestCore();
        var result = CliProcess.Run("synth", build, "--target", "ice40-up5k", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var report = json.GetProperty("report");
        Assert.Equal("ice40-up5k", report.GetProperty("target").GetString());
        Assert.True(report.GetProperty("fmaxMhz").GetDouble() >= 24);
        Assert.Equal(0, report.GetProperty("multiplierCells").GetInt32());
        Assert.Equal("LUT4", report.GetProperty("resources")[0].GetProperty("name").GetString());
        var bitstream = json.GetProperty("bitstream").GetString()!;
        Assert.Equal(Path.Combine(build, "synth", "ice40-up5k", "hwflow_top.bin"), bitstream);
        Assert.True(File.Exists(bitstream));
        Assert.Contains("synth ice40-up5k: 3/3", result.Stderr);
    }

    [Fact]
    public void Fmnist_tiny_fits_the_up5k_at_24_mhz_and_its_gates_answer_100_test_images_like_the_golden_kernel()
    {
        var build = _temp.File("fmnist-tiny");
        var compile = CliProcess.Run("compile", CliProcess.Example("fmnist-tiny"), "-o", build, "--clock-mhz", "24", "--target-fps", "7000");
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var result = CliProcess.Run("synth", build, "--target", "ice40-up5k", "--clock-mhz", "24", "--check-netlist", "100", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var report = json.GetProperty("report");
        Assert.True(report.GetProperty("timingMet").GetBoolean());
        Assert.True(report.GetProperty("fmaxMhz").GetDouble() >= 24);
        var resources = report.GetProperty("resources").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(0, resources["DSP"].GetProperty("used").GetDouble());
        Assert.True(resources["LUT4"].GetProperty("used").GetDouble() <= resources["LUT4"].GetProperty("available").GetDouble());
        var check = json.GetProperty("netlistCheck");
        Assert.Equal(100, check.GetProperty("images").GetInt32());
        Assert.Equal(0, check.GetProperty("mismatches").GetInt32());
        Assert.Equal("all 100 equal", check.GetProperty("summary").GetString());
    }

    [Fact]
    public void The_netlist_check_is_refused_before_the_flow_where_it_cannot_run()
    {
        var build = TestCore();
        CliProcess.AssertUserError(CliProcess.Run("synth", build, "--target", "ice40-up5k", "--shell", "icebreaker", "--check-netlist", "10"),
            "without --shell");
        CliProcess.AssertUserError(CliProcess.Run("synth", build, "--target", "ice40-up5k", "--check-netlist", "0"), "--check-netlist must be at least 1");
        CliProcess.AssertUserError(CliProcess.Run("synth", build, "--target", "ice40-up5k", "--check-netlist", "5", "--check-dataset", _temp.File("no-such-data")),
            "no-such-data");
        Assert.False(Directory.Exists(Path.Combine(build, "synth")));
    }

    [Fact]
    public void People_get_the_utilisation_table_fmax_and_frames_per_second()
    {
        var result = CliProcess.Run("synth", TestCore(), "--target", "xc7", "--clock-mhz", "100");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("estimate from synthesis, no place and route", result.Stdout);
        Assert.Contains("│ LUT6", result.Stdout);
        Assert.Contains("127,389 at 100 MHz (785 cycles per frame; no Fmax without place and route)", result.Stdout);
        Assert.Contains("vivado.tcl", string.Join(' ', Directory.EnumerateFiles(Path.Combine(_temp.File("build"), "synth", "xc7"))));
    }

    [Fact]
    public void A_build_compiled_for_the_xc7a35t_is_put_in_proportion_to_the_xc7a35t()
    {
        var build = TestCore();
        var manifestPath = Path.Combine(build, "hwflow-build.json");
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"clockMhz\"", "\"device\": \"xc7a35t\", \"clockMhz\"", StringComparison.Ordinal));
        var result = CliProcess.Run("synth", build, "--target", "xc7");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("on xc7 (xc7a35tcpg236-1)", result.Stdout);
        var lutRow = result.Stdout.Split('\n').Single(l => l.Contains("│ LUT6", StringComparison.Ordinal));
        Assert.Contains("20800", lutRow);
        Assert.DoesNotContain("53200", result.Stdout);
    }

    [Fact]
    public void A_missing_build_folder_is_a_user_error()
    {
        CliProcess.AssertUserError(CliProcess.Run("synth", _temp.File("nope"), "--target", "ice40-up5k"), "no such build folder");
    }

    [Fact]
    public void A_folder_that_is_not_a_build_is_a_user_error()
    {
        CliProcess.AssertUserError(CliProcess.Run("synth", _temp.Path, "--target", "ice40-up5k"), "not a build folder: hwflow-build.json is missing");
    }

    [Fact]
    public void An_unknown_target_or_shell_is_a_usage_error()
    {
        var build = TestCore();
        CliProcess.AssertUserError(CliProcess.Run("synth", build, "--target", "ecp5"), "ecp5");
        CliProcess.AssertUserError(CliProcess.Run("synth", build, "--target", "ice40-hx8k", "--shell", "icebreaker"),
            "--shell icebreaker needs --target ice40-up5k");
        CliProcess.AssertUserError(CliProcess.Run("synth", build, "--target", "ice40-up5k", "--clock-mhz", "-3"), "--clock-mhz: expected a frequency in MHz");
        Assert.False(Directory.Exists(Path.Combine(build, "synth")));
    }

    [Fact]
    public void A_missing_tool_names_the_Debian_package()
    {
        var result = CliProcess.RunWithEnvironment(new Dictionary<string, string> { ["HWFLOW_ICEPACK"] = _temp.File("no-icepack") },
            "synth", TestCore(), "--target", "ice40-up5k");
        CliProcess.AssertUserError(result, "icepack was not found (set HWFLOW_ICEPACK or install the Debian package fpga-icestorm");
    }

    [Fact]
    public void A_missed_timing_target_fails_with_the_critical_path_and_writes_nothing()
    {
        var build = TestCore();
        var result = CliProcess.Run("synth", build, "--target", "ice40-up5k", "--clock-mhz", "500");
        CliProcess.AssertUserError(result, "ice40-up5k: timing not met: clock clk reaches");
        Assert.Contains("critical path", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(build, "synth")), "a failed flow leaves no synth folder, not even an empty one");
    }
}
