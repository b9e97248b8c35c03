using System.Globalization;
using HwFlow.Cli.Infrastructure;
using HwFlow.Flow;
using Spectre.Console;

namespace HwFlow.Cli.Tests;

/// <summary>
/// A step's status (the device search's designs so far) is part of the progress display: on a
/// terminal the bar's caption, and notes written while the bar is live go through the bar's
/// console (which prints them above it) rather than straight to stderr, into the bar; in a log
/// the status is a plain line at most every 10 s.
/// </summary>
public sealed class ProgressDisplayTests
{
    [Fact]
    public void In_a_log_a_status_is_a_plain_line_at_most_every_ten_seconds()
    {
        var log = new StringWriter();
        double now = 0;
        ProgressDisplay.Plain(log, () => TimeSpan.FromSeconds(now), "compile", 5, step =>
        {
            step.Report(1);
            foreach (double at in new[] { 0, 5, 9.9, 10, 15, 19.9, 20.5 })
            {
                now = at;
                ((IStatusProgress)step).Status(string.Create(CultureInfo.InvariantCulture, $"searching at {at} s"));
            }
            step.Report(5);
            return 0;
        });
        Assert.Equal(["compile: 0/5", "compile: 1/5", "searching at 10 s", "searching at 20.5 s", "compile: 5/5"],
            log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void On_a_terminal_the_status_is_the_bars_caption_and_notes_go_through_the_bars_console()
    {
        var screen = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(screen),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200; // the caption whole, beside the bar
        ProgressDisplay.Live(console, "compile", 5, step =>
        {
            step.Report(2);
            ((IStatusProgress)step).Status("compile --device xc7a35t: 7 designs generated and counted so far (12 s)");
            Thread.Sleep(1000); // the bar refreshes ten times a second
            Output.Note("a note while the bar is live");
            step.Report(5);
            return 0;
        });
        string shown = screen.ToString();
        Assert.Contains("7 designs generated and counted so far (12 s)", shown);
        Assert.Contains("a note while the bar is live", shown);
    }
}
