using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.IO;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// A run stuck where it cannot notice a stop request (a read that blocks) is abandoned after the
/// grace period, its staging folder deleted, instead of keeping the process alive (issue 18: a
/// FIFO as tensor file outlived SIGTERM). SIGTERM itself, like Ctrl-C, is sent to every
/// command in Cli.Tests (InterruptTests, TrainCommandTests).
/// </summary>
public sealed class TerminationTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

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
