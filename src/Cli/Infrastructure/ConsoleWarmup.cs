namespace HwFlow.Cli.Infrastructure;

/// <summary>
/// Spectre.Console's first marked-up line costs a short command tens of milliseconds (detecting
/// the terminal, the markup parser, code run for the first time). A command that computes for
/// a while first calls <see cref="Start"/>: a spare core renders a throw-away line to nowhere and
/// asks the real console what it is, so the report prints at once when the work is done.
/// </summary>
internal static class ConsoleWarmup
{
    public static void Start() => Task.Run(() =>
    {
        var nowhere = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        nowhere.MarkupLineInterpolated($"[bold]{"model"}[/] ({"build"}) {0.5:F1} {12_345L:N0} {1.5 / 1e6:F2}");
        _ = AnsiConsole.Console.Profile.Capabilities.Ansi;
    });
}
