using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.Errors;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// A check that cannot give its answer (a gate-level simulator that crashed, gates that drove X) is
/// neither bad input (exit 2) nor a bug to report with a stack trace: one line, exit 1, as for a check
/// that did not pass.
/// </summary>
public sealed class CheckFailureTests
{
    [Fact]
    public void A_check_failure_is_one_line_and_exit_code_1_without_a_stack_trace()
    {
        var command = new Command("check");
        CommandAction.Set(command, (_, _) => throw new CheckFailure("the simulation of bench (Verilator model /m/Vbench) crashed (SIGSEGV, exit code 139); nothing printed"));
        var error = new StringWriter();
        int exit;
        lock (HostileInputTests.ConsoleLock)
        {
            var oldError = Console.Error;
            Console.SetError(error);
            try
            {
                exit = command.Parse([]).Invoke();
            }
            finally
            {
                Console.SetError(oldError);
            }
        }
        Assert.Equal(1, exit);
        Assert.Equal("hwflow: check failed: the simulation of bench (Verilator model /m/Vbench) crashed (SIGSEGV, exit code 139); nothing printed" + Environment.NewLine,
            error.ToString());
    }
}
