using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Cli.Tests;

/// <summary>`hwflow sim` and `hwflow cosim` on a real build of examples/tiny-hbnn.</summary>
public sealed class SimCommandTests(CompiledBuild build) : IClassFixture<CompiledBuild>
{
    [Fact]
    public void Sim_classifies_images_checks_the_golden_kernel_and_measures_the_predicted_cycles()
    {
        var result = CliProcess.Run("sim", build.Folder, "--dataset", "fashion-mnist", "--count", "6", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(6, json.GetProperty("count").GetInt32());
        Assert.Equal("all 6 equal", json.GetProperty("goldenCheck").GetString());
        Assert.Equal(json.GetProperty("predictedCyclesPerFrame").GetInt64(), (long)Math.Round(json.GetProperty("cyclesPerFrame").GetDouble()));
    }

    [Fact]
    public void Sim_with_one_frame_per_lane_says_why_cycles_per_frame_are_not_measured()
    {
        var result = CliProcess.Run("sim", build.Folder, "--dataset", "fashion-mnist", "--count", "8", "--lanes", "8");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("NaN", result.Stdout);
        Assert.Contains("cycles per frame not measured (one frame per stream in 8 SIMD lanes; it takes 2 per stream: --count 16 or more, or --lanes 1)", result.Stdout);

        var two = CliProcess.Run("sim", build.Folder, "--dataset", "fashion-mnist", "--count", "16", "--lanes", "8", "--json");
        Assert.True(two.ExitCode == 0, two.ToString());
        var json = two.Json();
        Assert.Equal(json.GetProperty("predictedCyclesPerFrame").GetInt64(), (long)Math.Round(json.GetProperty("cyclesPerFrame").GetDouble()));
    }

    [Fact]
    public void Sim_writes_a_waveform_of_the_selected_signals()
    {
        using var temp = new TempFolder();
        var vcd = Path.Combine(temp.Path, "run.vcd");
        var result = CliProcess.Run("sim", build.Folder, "--dataset", "fashion-mnist", "--count", "2", "--vcd", vcd, "--vcd-signals", "m_axis_*");
        Assert.True(result.ExitCode == 0, result.ToString());
        var text = File.ReadAllText(vcd);
        Assert.Contains("$enddefinitions $end", text);
        Assert.Contains(" m_axis_tdata [7:0] $end", text);
        Assert.DoesNotContain("s_axis_tdata", text);
    }

    [Fact]
    public void Bench_sim_runs_both_simulators_on_the_same_frames_and_reports_their_ratio()
    {
        var result = CliProcess.Run("bench", "sim", build.Folder, "--count", "16", "--repeats", "1", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.True(json.GetProperty("agree").GetBoolean());
        Assert.Equal(8, json.GetProperty("lanes").GetInt32());
        Assert.Equal(2, json.GetProperty("framesPerStream").GetInt32());
        Assert.StartsWith("-O3 --x-assign fast --x-initial fast", json.GetProperty("verilatorFlags").GetString());
        var csharp = json.GetProperty("cSharp");
        var verilator = json.GetProperty("verilator");
        Assert.Equal(csharp.GetProperty("cycles").GetInt64(), verilator.GetProperty("cycles").GetInt64());
        var ratio = csharp.GetProperty("cyclesPerSecond").GetDouble() / verilator.GetProperty("cyclesPerSecond").GetDouble();
        Assert.Equal(ratio, json.GetProperty("ratio").GetDouble(), 1e-9);
        Assert.True(json.GetProperty("oneLaneRatio").GetDouble() > 0);
    }

    [Theory]
    [InlineData(6, "1", 1)]
    [InlineData(19, "8", 8)]
    public void Cosim_is_bit_and_cycle_exact_with_backpressure(int count, string lanes, int streams)
    {
        var result = CliProcess.Run("cosim", build.Folder, "--dataset", "fashion-mnist", "--count", $"{count}", "--stall-prob", "0.3", "--seed", "7", "--lanes", lanes, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.True(json.GetProperty("agree").GetBoolean());
        Assert.Equal(streams, json.GetProperty("streams").GetInt32());
        Assert.Equal(count, json.GetProperty("transactions").GetInt32());
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.Equal($"all {count} equal", json.GetProperty("goldenCheck").GetString());
    }

    [Fact]
    public void Sim_in_lanes_gives_the_classes_and_timing_of_one_lane()
    {
        var one = CliProcess.Run("sim", build.Folder, "--dataset", "fashion-mnist", "--count", "19", "--lanes", "1", "--json");
        var eight = CliProcess.Run("sim", build.Folder, "--dataset", "fashion-mnist", "--count", "19", "--lanes", "8", "--json");
        Assert.True(one.ExitCode == 0 && eight.ExitCode == 0, one + "\n" + eight);
        Assert.Equal(8, eight.Json().GetProperty("lanes").GetInt32());
        foreach (var key in new[] { "correct", "cyclesPerFrame", "maxLatencyCycles", "goldenCheck" })
            Assert.Equal(one.Json().GetProperty(key).ToString(), eight.Json().GetProperty(key).ToString());
    }

    [Fact]
    public void A_lane_count_other_than_1_or_8_is_a_user_error() =>
        CliProcess.AssertUserError(CliProcess.Run("sim", build.Folder, "--dataset", "fashion-mnist", "--lanes", "4"), "--lanes must be 1 or 8");

    [Fact]
    public void A_missing_build_folder_is_a_user_error()
    {
        using var temp = new TempFolder();
        CliProcess.AssertUserError(CliProcess.Run("sim", Path.Combine(temp.Path, "nope"), "--dataset", "fashion-mnist"), "no such build folder");
    }

    [Fact]
    public void A_stall_probability_outside_0_to_1_is_a_user_error() =>
        CliProcess.AssertUserError(CliProcess.Run("cosim", build.Folder, "--dataset", "fashion-mnist", "--stall-prob", "1.5"), "--stall-prob must be in [0, 1)");

    [Fact]
    public void A_dataset_that_does_not_fit_the_build_is_a_user_error()
    {
        using var temp = new TempFolder();
        var model = temp.File("small");
        var signs = new Tensor([8, 4], Enumerable.Range(0, 32).Select(i => i % 3 == 0 ? -1f : 1f).ToArray());
        ModelWriter.Write(new ModelSpec("small", new InputSpec([8], "uint8", 1.0 / 255), 4, [new LinearLayer(signs)], OutputKind.Class), model, force: false);
        var folder = temp.File("small-build");
        var compiled = CliProcess.Run("compile", model, "-o", folder);
        Assert.True(compiled.ExitCode == 0, compiled.ToString());
        CliProcess.AssertUserError(CliProcess.Run("sim", folder, "--dataset", "fashion-mnist", "--count", "1"), "takes 8 input bytes per frame");
    }
}
