using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Tests;
using HwFlow.Runtime.IO;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// SIGTERM, as CI and batch schedulers send it, is handled like Ctrl-C by every command: the run
/// stops, prints one line, exits with code 2 and leaves no output; and a run stuck where it
/// cannot notice (a read that blocks) is abandoned after the grace period, its staging folder
/// deleted, instead of keeping the process alive (issue 18: a FIFO as tensor file outlived SIGTERM).
/// </summary>
public sealed class TerminationTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[]> Commands() => new()
    {
        { "eval integer: 1/10", ["eval", CliProcess.Example("fmnist-hbnn-mlp"), "--dataset", "fashion-mnist", "--engine", "integer", "--json"] },
        { "epoch 1/1000", ["train", "--dataset", "fashion-mnist", "--arch", "784-16-10", "--epochs", "1000", "--limit", "2000", "--test-limit", "300", "--batch", "50", "-o", "{dir}/model"] },
        { "angle experiment: 0/16", ["experiment", "angle", "--trials", "2000", "-o", "{dir}/angle"] },
        { "bench gemm: 1/6", ["bench", "gemm", "--min-size", "64", "--max-size", "2048", "--max-naive", "256", "-o", "{dir}/bench"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task SIGTERM_stops_a_command_like_Ctrl_C(string waitFor, string[] args)
    {
        var result = await CliProcess.Signal("TERM", _dir.Path, waitFor, [.. args.Select(a => a.Replace("{dir}", _dir.Path, StringComparison.Ordinal))]);
        CliProcess.AssertInterrupted(result);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task SIGTERM_stops_synth_and_its_tools_and_leaves_the_build_as_it_was()
    {
        var build = _dir.File("build");
        var compile = CliProcess.Run("compile", CliProcess.Example("fmnist-tiny"), "-o", build, "--clock-mhz", "24", "--target-fps", "2000");
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var before = Directory.GetFileSystemEntries(build, "*", SearchOption.AllDirectories).Order().ToList();
        var result = await CliProcess.Signal("TERM", _dir.Path, "synth ice40-up5k: 0/3", "synth", build, "--target", "ice40-up5k", "--json");
        CliProcess.AssertInterrupted(result);
        Assert.Equal(before, Directory.GetFileSystemEntries(build, "*", SearchOption.AllDirectories).Order());
    }

    [Fact]
    public void A_run_blocked_in_a_read_is_abandoned_after_the_grace_period_and_its_staging_folder_deleted()
    {
        var fifo = _dir.File("fifo");
        Assert.Equal(0, Native.mkfifo(fifo, 0x180));
        using var stop = new CancellationTokenSource();
        using var entered = new ManualResetEventSlim();
        string? staging = null;
        int Blocked()
        {
            var folder = StagedFolder.Begin(new OutputFolder(_dir.File("out"), Replace: false), "test", []);
            staging = folder.Path;
            entered.Set();
            using var reader = File.OpenRead(fifo); // no writer: open(2) waits, and no token can wake it
            return 0;
        }

        var error = new StringWriter();
        lock (HostileInputTests.ConsoleLock) // the console, and the staging folders RunStoppable abandons, are this process's
        {
            var oldError = Console.Error;
            Console.SetError(error);
            try
            {
                int exit = -1;
                var run = new Thread(() => exit = CommandAction.RunStoppable(Blocked, stop.Token)) { IsBackground = true };
                run.Start();
                Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
                Assert.True(Directory.Exists(staging));
                var watch = System.Diagnostics.Stopwatch.StartNew();
                stop.Cancel();
                Assert.True(run.Join(Termination.GracePeriod + TimeSpan.FromSeconds(30)), "the stuck run kept RunStoppable waiting");
                Assert.Equal(2, exit);
                Assert.True(watch.Elapsed >= Termination.GracePeriod - TimeSpan.FromSeconds(1), "abandoned before the grace period ended");
            }
            finally
            {
                Console.SetError(oldError);
            }
        }
        Assert.StartsWith("hwflow: interrupted; the run did not stop within 10 s", error.ToString());
        Assert.False(Directory.Exists(staging));
        Assert.False(Directory.Exists(_dir.File("out")));
        using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write); // lets the stuck thread go
    }
}
