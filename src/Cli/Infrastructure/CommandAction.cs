using System.CommandLine;
using HwFlow.Runtime.Errors;

namespace HwFlow.Cli.Infrastructure;

/// <summary>Runs a command body under the CLI's error policy.</summary>
public static class CommandAction
{
    /// <summary>
    /// Attaches <paramref name="body"/> to <paramref name="command"/>: a <see cref="UserError"/>
    /// prints one line and exits 2; so does Ctrl-C; anything else is an internal error (exit 1,
    /// with the stack trace, because that is a bug to report).
    /// </summary>
    public static void Set(Command command, Func<ParseResult, CancellationToken, int> body)
    {
        command.SetAction((parse, cancel) => Task.FromResult(Run(parse, cancel, body)));
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
