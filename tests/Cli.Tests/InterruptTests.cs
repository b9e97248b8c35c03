namespace HwFlow.Cli.Tests;

/// <summary>
/// Ctrl-C, as a user sends it (SIGINT), and SIGTERM, as CI and batch schedulers send it, to a real
/// `hwflow` process in the middle of its work. Every command stops alike, prints one line, exits
/// with code 2 and leaves no output folder (train's case is in TrainCommandTests; the fast
/// commands are cancelled through the library in Flow.Tests).
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Eval_stops_between_batches(string signal)
    {
        var result = await CliProcess.Signal(signal, _dir.Path, "eval float: 1/10",
            "eval", CliProcess.Example("fmnist-hbnn-mlp"), "--dataset", "fashion-mnist", "--engine", "integer", "--json");
        CliProcess.AssertInterrupted(result);
        Assert.DoesNotContain("eval integer", result.Stderr);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Bench_gemm_stops_and_writes_no_folder(string signal)
    {
        var result = await CliProcess.Signal(signal, _dir.Path, "bench gemm: 1/6",
            "bench", "gemm", "--min-size", "64", "--max-size", "2048", "--max-naive", "256", "-o", _dir.File("bench"));
        CliProcess.AssertInterrupted(result);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task The_angle_experiment_stops_and_writes_no_folder(string signal)
    {
        var result = await CliProcess.Signal(signal, _dir.Path, "angle experiment: 0/16", "experiment", "angle", "--trials", "2000", "-o", _dir.File("angle"));
        CliProcess.AssertInterrupted(result);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    /// <summary>
    /// `compile --device` in the middle of its search (mnist-hbnn-mlp on the xc7a100t searches for
    /// minutes): it stops within the designs under way, not by being abandoned after the grace period.
    /// </summary>
    [Fact]
    public async Task Compile_for_a_device_stops_in_its_search()
    {
        var result = await CliProcess.Signal("INT", _dir.Path, "designs generated and counted so far",
            "compile", CliProcess.Example("mnist-hbnn-mlp"), "--device", "xc7a100t", "-o", _dir.File("build"), "--json");
        CliProcess.AssertInterrupted(result);
        Assert.DoesNotContain("abandoned", result.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Synth_stops_its_tools_and_leaves_the_build_as_it_was(string signal)
    {
        var build = _dir.File("build");
        var compile = CliProcess.Run("compile", CliProcess.Example("fmnist-tiny"), "-o", build, "--clock-mhz", "24", "--target-fps", "2000");
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var before = Directory.GetFileSystemEntries(build, "*", SearchOption.AllDirectories).Order().ToList();
        var result = await CliProcess.Signal(signal, _dir.Path, "synth ice40-up5k: 0/3", "synth", build, "--target", "ice40-up5k", "--json");
        CliProcess.AssertInterrupted(result);
        Assert.Equal(before, Directory.GetFileSystemEntries(build, "*", SearchOption.AllDirectories).Order());
    }
}
