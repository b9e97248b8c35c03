using HwFlow.Runtime.Data;
using HwFlow.Runtime.IO;
using HwFlow.Training.Experiments;

namespace HwFlow.Flow.Tests;

/// <summary>
/// Every step stops when its token is cancelled (the CLI cancels it on Ctrl-C) and leaves no
/// output folder and no staging folder behind. The token is cancelled from inside the step, at a
/// progress report, so each case stops mid-work and not before it starts.
/// </summary>
public sealed class CancellationTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private OutputFolder Out => OutputFolder.Chosen(_dir.File("out"), force: false);

    private void AssertNothingWritten() => Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));

    [Fact]
    public void Compile_stops_between_stages()
    {
        var progress = new RecordingProgress((title, done) => title == "compile" && done == 2);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Steps.Compile(new CompileRequest(RepoPaths.Example("fmnist-hbnn-mlp"), Out), progress, progress.Cancel.Token));
        Assert.DoesNotContain("compile: 3/5", progress.Reports);
        AssertNothingWritten();
    }

    /// <summary>The device search looks at the token too: cancelled before it starts, it generates no design, and nothing after it runs.</summary>
    [Fact]
    public void Compile_for_a_device_stops_in_its_search()
    {
        var progress = new RecordingProgress((title, done) => title == "compile" && done == 2);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Steps.Compile(new CompileRequest(RepoPaths.Example("fmnist-tiny"), Out) { Device = "xc7a35t" }, progress, progress.Cancel.Token));
        Assert.DoesNotContain(progress.Reports, r => r.StartsWith("compile status:", StringComparison.Ordinal));
        Assert.DoesNotContain("compile: 3/5", progress.Reports);
        AssertNothingWritten();
    }

    [Fact]
    public void Lowering_stops_between_passes()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Steps.Lower(new CompileRequest(RepoPaths.Example("tiny-hbnn"), Out) { DumpIrAfterEach = true }, cancel: cancel.Token));
        AssertNothingWritten();
    }

    [Fact]
    public void Evaluate_stops_between_batches()
    {
        var progress = new RecordingProgress((title, done) => title == "eval float" && done == 1);
        var request = new EvaluateRequest(RepoPaths.Example("fmnist-hbnn-mlp"), new DatasetChoice("fashion-mnist", DataSplit.Test, 3000), EvalEngine.Integer);
        Assert.ThrowsAny<OperationCanceledException>(() => Steps.Evaluate(request, progress, progress.Cancel.Token));
        Assert.DoesNotContain("eval float: 2/3", progress.Reports);
        Assert.DoesNotContain(progress.Reports, r => r.StartsWith("eval integer", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_and_info_stop_before_they_write_or_report()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var input = _dir.File("x.npy");
        Runtime.Tensors.NpyFile.Write(input, Runtime.Tensors.NpyArray.FromBytes([784], new byte[784]));
        Assert.ThrowsAny<OperationCanceledException>(() => Steps.Run(new RunRequest(RepoPaths.Example("tiny-hbnn"), input, Out), cancel.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => Steps.Info(RepoPaths.Example("tiny-hbnn"), cancel.Token));
        Assert.Equal(["x.npy"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void The_angle_experiment_stops_between_trials()
    {
        var progress = new RecordingProgress((title, done) => done == 1);
        var request = new AngleRequest(new AngleExperiment.Options(MaxDimension: 1 << 16, Trials: 200), Out);
        Assert.ThrowsAny<OperationCanceledException>(() => Steps.AngleExperiment(request, progress, progress.Cancel.Token));
        AssertNothingWritten();
    }

    [Fact]
    public void The_gemm_benchmark_stops_between_rounds()
    {
        var progress = new RecordingProgress((title, done) => done == 1);
        var request = new BenchGemmRequest(new GemmComparison.Options(32, 1024, 64, 64, 1, 1), Out, PeerCommand());
        Assert.ThrowsAny<OperationCanceledException>(() => Steps.BenchGemm(request, progress, progress.Cancel.Token));
        Assert.DoesNotContain("bench gemm: 2/6", progress.Reports);
        AssertNothingWritten();
    }

    /// <summary>The CLI beside this test's build (same configuration), as the OpenBLAS peer process.</summary>
    private static List<string> PeerCommand()
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string cli = Path.Combine(RepoPaths.Root, "src", "Cli", "bin", configuration, "net10.0", "hwflow.dll");
        Assert.True(File.Exists(cli), $"the CLI is not built at {cli}");
        return ["dotnet", cli, "bench", "openblas-peer"];
    }
}
