using System.Runtime.InteropServices;

namespace HwFlow.Cli.Infrastructure;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM (CI, batch schedulers, `kill`) stop every command the same way:
/// the command's token is cancelled, the work stops at its next check, staging folders are
/// removed, one line is printed and the exit code is 2. HwFlow handles both signals itself
/// rather than through System.CommandLine, so that a run stuck where it cannot look at its
/// token (a read that blocks) is abandoned after <see cref="GracePeriod"/> instead of keeping
/// the process alive.
/// </summary>
public sealed class Termination : IDisposable
{
    /// <summary>How long a cancelled command may take to stop by itself (killing its tools, deleting its staging folder).</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public Termination()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>The signal that stopped the run, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The run of the current <see cref="HwFlowCommand.Invoke"/>; its token is every command's.</summary>
    public static Termination? Current { get; set; }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we stop the run ourselves, cleanly
        Signal ??= context.Signal;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancel.Dispose();
    }
}
