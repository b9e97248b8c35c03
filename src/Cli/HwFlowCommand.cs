using HwFlow.Cli.Commands;

namespace HwFlow.Cli;

/// <summary>The `hwflow` root command: one subcommand per step of the user's path.</summary>
public static class HwFlowCommand
{
    /// <summary>The subcommands by name, in the order help lists them.</summary>
    internal static readonly (string Name, Func<Command> Create)[] Subcommands =
    [
        ("info", InfoCommand.Create),
        ("import", ImportCommand.Create),
        ("export", ExportCommand.Create),
        ("eval", EvalCommand.Create),
        ("run", RunCommand.Create),
        ("compile", CompileCommand.Create),
        ("experiment", ExperimentCommand.Create),
        ("bench", BenchCommand.Create),
        ("train", TrainCommand.Create),
        ("synth", SynthCommand.Create),
        ("sim", SimCommand.Create),
        ("cosim", CosimCommand.Create),
    ];

    /// <summary>
    /// The command tree; with <paramref name="only"/>, just that subcommand under the root (what a
    /// command line naming it parses the same with: building all twelve, with their options and
    /// validators, is a noticeable part of a short command's start).
    /// </summary>
    public static RootCommand Build(string? only = null)
    {
        var root = new RootCommand("HwFlow: compile binarized neural networks (HBNN, BNN) into multiply-free FPGA hardware.");
        foreach (var (name, create) in Subcommands)
            if (only is null || name == only) root.Subcommands.Add(create());
        return root;
    }

    public static int Invoke(string[] args)
    {
        // Redirected output (logs, pipes) has no terminal width; Spectre would assume 80 and wrap tables.
        // Setting it makes Spectre detect the console (tens of milliseconds), on another core while
        // the command line is parsed; nothing prints before it is done.
        var console = Console.IsOutputRedirected
            ? Task.Run(() => AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40 ? columns : 160)
            : Task.CompletedTask;
        // A command line that starts with a subcommand's name parses the same in the tree of that subcommand alone.
        string? named = args.Length > 0 && Subcommands.Any(c => c.Name == args[0]) ? args[0] : null;
        var parse = Build(named).Parse(args);
        HwFlow.Runtime.IO.StartupLaps.Lap("command line parsed");
        console.GetAwaiter().GetResult();
        HwFlow.Runtime.IO.StartupLaps.Lap("console profile set");
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
