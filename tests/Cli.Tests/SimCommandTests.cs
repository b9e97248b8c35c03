using HwFlow.Sim.Bench;
using HwFlow.Sim.Builds;

namespace HwFlow.Cli.Tests;

/// <summary>`hwflow sim` and `hwflow cosim` on a build folder of the synthetic layer (784 input bytes, like Fashion-MNIST).</summary>
public sealed class SimCommandTests
{
    private static string Build(TempFolder temp)
    {
        var folder = Path.Combine(temp.Path, "build");
        var shape = new SyntheticLayer.Shape(784, 16, 4, 16);
        BuildFolder.Write(folder, SyntheticLayer.Design(shape), new BuildManifest
        {
            Model = "synthetic", HwflowVersion = "0.1.0", InputBytes = 784, OutputWidth = 8,
            CyclesPerFrame = shape.CyclesPerFrame, LatencyCycles = 300,
        });
        return folder;
    }

    [Fact]
    public void Sim_classifies_images_and_measures_cycles_per_frame()
    {
        using var temp = new TempFolder();
        var build = Build(temp);
        var result = CliProcess.Run("sim", build, "--dataset", "fashion-mnist", "--count", "4", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(4, json.GetProperty("count").GetInt32());
        Assert.Equal(json.GetProperty("predictedCyclesPerFrame").GetInt64(), (long)Math.Round(json.GetProperty("cyclesPerFrame").GetDouble()));
        Assert.StartsWith("not available", json.GetProperty("goldenCheck").GetString());
    }

    [Fact]
    public void Sim_writes_a_waveform_of_the_selected_signals()
    {
        using var temp = new TempFolder();
        var build = Build(temp);
        var vcd = Path.Combine(temp.Path, "run.vcd");
        var result = CliProcess.Run("sim", build, "--dataset", "fashion-mnist", "--count", "2", "--vcd", vcd, "--vcd-signals", "m_axis_*", "state_*");
        Assert.True(result.ExitCode == 0, result.ToString());
        var text = File.ReadAllText(vcd);
        Assert.Contains("$enddefinitions $end", text);
        Assert.Contains(" m_axis_tdata [7:0] $end", text);
        Assert.DoesNotContain("s_axis_tdata", text);
    }

    [Fact]
    public void Cosim_is_bit_and_cycle_exact_with_backpressure()
    {
        using var temp = new TempFolder();
        var build = Build(temp);
        var result = CliProcess.Run("cosim", build, "--count", "6", "--stall-prob", "0.3", "--seed", "7", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.True(json.GetProperty("agree").GetBoolean());
        Assert.Equal(6, json.GetProperty("transactions").GetInt32());
        Assert.Equal("completed", json.GetProperty("status").GetString());
    }

    [Fact]
    public void A_missing_build_folder_is_a_user_error()
    {
        using var temp = new TempFolder();
        CliProcess.AssertUserError(CliProcess.Run("sim", Path.Combine(temp.Path, "nope"), "--dataset", "fashion-mnist"), "no such build folder");
    }

    [Fact]
    public void A_stall_probability_outside_0_to_1_is_a_user_error()
    {
        using var temp = new TempFolder();
        CliProcess.AssertUserError(CliProcess.Run("cosim", Build(temp), "--stall-prob", "1.5"), "--stall-prob must be in [0, 1)");
    }

    [Fact]
    public void A_dataset_that_does_not_fit_the_build_is_a_user_error()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "small");
        BuildFolder.Write(folder, SyntheticLayer.Design(new SyntheticLayer.Shape(64, 8, 4, 16)), new BuildManifest { Model = "small", HwflowVersion = "0.1.0", InputBytes = 64, OutputWidth = 8 });
        CliProcess.AssertUserError(CliProcess.Run("sim", folder, "--dataset", "fashion-mnist", "--count", "1"), "takes 64 input bytes per frame");
    }
}
