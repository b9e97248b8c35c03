using HwFlow.Runtime.Errors;

namespace HwFlow.Cli.Infrastructure;

/// <summary>Runs a command body under the CLI's error policy.</summary>
public static class CommandAction
{
    /// <summary>
    /// Attaches <paramref name="body"/> to <paramref name="command"/>: a <see cref="UserError"/>
    /// prints one line and exits 2; so does Ctrl-C or SIGTERM (<see cref="Termination"/>); a <see cref="CheckFailure"/> prints one
    /// line and exits 1; anything else is an internal error (exit 1, with the stack trace, because that is a bug to report).
    /// </summary>
    public static void Set(Command command, Func<ParseResult, CancellationToken, int> body)
    {
        command.SetAction((parse, cancel) => Task.FromResult(RunStoppable(parse, Termination.Current?.Token ?? cancel, body)));
    }

    /// <summary>
    /// Runs the body on a background thread and waits for it, or for a stop request (SIGINT,
    /// SIGTERM) plus <see cref="Termination.GracePeriod"/>: a body stuck where it cannot see its
    /// token is abandoned (its staging folders deleted) and the process ends all the same.
    /// </summary>
    private static int RunStoppable(ParseResult parse, CancellationToken cancel, Func<ParseResult, CancellationToken, int> body) =>
        RunStoppable(() => Run(parse, cancel, body), cancel);

    /// <summary>Runs <paramref name="run"/> so that a stop request ends it within the grace period, stuck or not.</summary>
    public static int RunStoppable(Func<int> run, CancellationToken cancel)
    {
        var work = Task.Factory.StartNew(run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!cancel.CanBeCanceled) return work.GetAwaiter().GetResult();
        WaitHandle.WaitAny([((IAsyncResult)work).AsyncWaitHandle, cancel.WaitHandle]);
        if (work.IsCompleted || work.Wait(Termination.GracePeriod)) return work.GetAwaiter().GetResult();
        Runtime.IO.StagedFolder.AbandonAll();
        Console.Error.WriteLine($"hwflow: interrupted; the run did not stop within {Termination.GracePeriod.TotalSeconds:0} s (blocked in a read or a tool?) and was abandoned; no output was written");
        return ExitCodes.Interrupted;
    }

    private static int Run(ParseResult parse, CancellationToken cancel, Func<ParseResult, CancellationToken, int> body)
    {
        try
        {
            return body(parse, cancel);
        }
        catch (UserError e)
        {
            Console.Error.WriteLine($"hwflow: error: {e.Message}");
            return ExitCodes.UserError;
        }
        catch (CheckFailure e)
        {
            Console.Error.WriteLine($"hwflow: check failed: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("hwflow: interrupted; no output was written");
            return ExitCodes.Interrupted;
        }
        catch (IOException e) when (Sim.Tools.ToolFailure.IsDiskFull(e.Message))
        {
            // Output folders are staged, so the half-written one is gone by now.
            Console.Error.WriteLine($"hwflow: error: the disk is full ({e.Message}); nothing was written: free some space and run again");
            return ExitCodes.UserError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"hwflow: internal error: {e}");
            return ExitCodes.Failure;
        }
    }
}
