using System.Diagnostics;
using HwFlow.Sim.Tools;

namespace HwFlow.Sim.Tests;

/// <summary>
/// HwFlow's failure logs lie beside output folders, where a file of the user's could have their
/// name: a run that succeeds deletes only a log HwFlow wrote, and a failure never overwrites
/// anything else (a file, a link to one, a FIFO, which is not even opened).
/// </summary>
public sealed class FailureLogTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_log_hwflow_wrote_is_replaced_and_deleted()
    {
        var log = _dir.File("synth/xc7.netlist-check.failed.log");
        FailureLog.Write(log, w => w.WriteLine("first"));
        Assert.StartsWith(FailureLog.Header, File.ReadAllText(log));
        FailureLog.Write(log, w => w.WriteLine("second"));
        Assert.EndsWith("second\n", File.ReadAllText(log));
        FailureLog.DeleteIfOurs(log);
        Assert.False(File.Exists(log));
        FailureLog.DeleteIfOurs(log); // nothing there: nothing to do
    }

    [Fact]
    public void A_users_file_of_that_name_is_neither_deleted_nor_overwritten()
    {
        var log = _dir.File("xc7.netlist-check.failed.log");
        File.WriteAllText(log, "my notes\n");
        FailureLog.DeleteIfOurs(log);
        Assert.Throws<IOException>(() => FailureLog.Write(log, w => w.WriteLine("tool output")));
        Assert.Equal("my notes\n", File.ReadAllText(log));

        // one that merely mentions the header further down is not HwFlow's either
        File.WriteAllText(log, $"notes\n{FailureLog.Header}\n");
        FailureLog.DeleteIfOurs(log);
        Assert.True(File.Exists(log));
    }

    [Fact]
    public void A_link_is_not_followed_even_to_a_log_hwflow_wrote()
    {
        var target = _dir.File("elsewhere.log");
        FailureLog.Write(target, w => w.WriteLine("kept"));
        var log = _dir.File("xc7.failed.log");
        File.CreateSymbolicLink(log, target);
        FailureLog.DeleteIfOurs(log);
        Assert.Throws<IOException>(() => FailureLog.Write(log, w => w.WriteLine("tool output")));
        Assert.True(File.Exists(log) && File.Exists(target));
        Assert.EndsWith("kept\n", File.ReadAllText(target));
    }

    [Fact]
    public async Task A_fifo_of_that_name_is_left_without_being_opened()
    {
        var log = _dir.File("xc7.failed.log");
        using (var mkfifo = Process.Start("mkfifo", [log])!) mkfifo.WaitForExit();
        // opening a FIFO with no writer would block: bounded so that the test fails instead
        var check = Task.Run(() =>
        {
            FailureLog.DeleteIfOurs(log);
            return Record.Exception(() => FailureLog.Write(log, w => w.WriteLine("tool output")));
        });
        var error = await check.WaitAsync(TimeSpan.FromSeconds(30)); // a TimeoutException: the FIFO was opened
        Assert.IsType<IOException>(error);
        Assert.True(Path.Exists(log));
    }
}
