using HwFlow.Cli.Commands;

namespace HwFlow.Cli;

/// <summary>The `hwflow` root command: one subcommand per step of the user's path.</summary>
public static class HwFlowCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("HwFlow: compile binarized neural networks (HBNN, BNN) into multiply-free FPGA hardware.");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CompileCommand.Create());
        root.Subcommands.Add(ExperimentCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(SimCommand.Create());
        root.Subcommands.Add(CosimCommand.Create());
        return root;
    }

    public static int Invoke(string[] args)
    {
        // Redirected output (logs, pipes) has no terminal width; Spectre would assume 80 and wrap tables.
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40 ? columns : 160;
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Usage mistakes are user errors: one line each, exit code 2, no stack trace.
            // System.CommandLine lists allowed values on lines of their own; a user error is one line.
            var messages = parse.Errors.Select(e => string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            Console.Error.WriteLine($"hwflow: error: {string.Join("; ", messages)} (run 'hwflow --help' or 'hwflow COMMAND --help' for usage)");
            return ExitCodes.UserError;
        }
        // SIGINT and SIGTERM are HwFlow's to handle (Termination), not System.CommandLine's.
        using var termination = new Termination();
        Termination.Current = termination;
        try
        {
            return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
        }
        finally
        {
            Termination.Current = null;
        }
    }
}
