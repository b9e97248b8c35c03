using System.Diagnostics;

namespace HwFlow.Cli.Infrastructure;

/// <summary>
/// Progress on stderr: a live bar when stderr is a terminal, plain lines otherwise (CI logs,
/// pipes), never on stdout so --json output stays clean. Both report on the calling thread, in
/// order, so a line never comes after the result it led to. A step's status
/// (<see cref="IStatusProgress"/>) is the bar's caption on a terminal and a line every
/// <see cref="IStatusProgress.LogSeconds"/> in a log; notes written while a bar is live go through
/// the bar's console, which prints them above the bar instead of into it.
/// </summary>
public static class ProgressDisplay
{
    internal static readonly IAnsiConsole ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    /// <summary>
    /// stderr is a terminal that Spectre draws a live bar on: where it would not (its own test of
    /// the console says not interactive, e.g. with stdout redirected for --json), its fallback
    /// shows only some captions, so the plain lines are used instead.
    /// </summary>
    public static bool Interactive => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb")
        && ErrorConsole.Profile.Capabilities is { Interactive: true, Ansi: true };

    /// <summary>The console of the bar on screen now, if any: a line written to stderr past it would land inside the bar.</summary>
    private static IAnsiConsole? _live;

    private static readonly Lock LiveGate = new();

    /// <summary>Runs <paramref name="work"/> with a reporter counting up to <paramref name="total"/> steps.</summary>
    public static T Run<T>(string title, int total, Func<IProgress<int>, T> work)
    {
        if (Interactive) return Live(ErrorConsole, title, total, work);
        var watch = Stopwatch.StartNew();
        return Plain(Console.Error, () => watch.Elapsed, title, total, work);
    }

    /// <summary>A line for people on stderr (<see cref="Output.Note"/>): above the live bar when one is on screen.</summary>
    public static void Line(string text)
    {
        lock (LiveGate)
        {
            if (_live is { } console) console.WriteLine(text);
            else Console.Error.WriteLine(text);
        }
    }

    /// <summary>Runs <paramref name="work"/> inside a live display (or, for training, several bars) on <paramref name="console"/>; <see cref="Line"/> writes through it meanwhile.</summary>
    internal static void Showing(IAnsiConsole console, Action run)
    {
        lock (LiveGate) _live = console;
        try { run(); }
        finally { lock (LiveGate) _live = null; }
    }

    /// <summary>The bar on a terminal; a status becomes its caption until the next step is counted.</summary>
    internal static T Live<T>(IAnsiConsole console, string title, int total, Func<IProgress<int>, T> work)
    {
        T result = default!;
        Showing(console, () => console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                string caption = Markup.Escape(title);
                result = work(new SynchronousProgress(done =>
                {
                    if (done != task.Value) task.Description = caption;
                    task.Value = done;
                }, text => task.Description = Markup.Escape(text)));
            }));
        return result;
    }

    /// <summary>
    /// Plain lines for a log: one as the work starts (a log shows what is running), then one per
    /// tenth done, and a status line when <see cref="IStatusProgress.LogSeconds"/> have passed
    /// since the start or the last status line (<paramref name="clock"/>: the time since the start).
    /// </summary>
    internal static T Plain<T>(TextWriter error, Func<TimeSpan> clock, string title, int total, Func<IProgress<int>, T> work)
    {
        error.WriteLine($"{title}: 0/{total}");
        int lastPrinted = 0;
        double nextStatus = IStatusProgress.LogSeconds;
        return work(new SynchronousProgress(done =>
        {
            int tenth = done * 10 / Math.Max(1, total);
            if (tenth == lastPrinted && done < total) return;
            lastPrinted = tenth;
            error.WriteLine($"{title}: {done}/{total}");
        }, text =>
        {
            double now = clock().TotalSeconds;
            if (now < nextStatus) return;
            nextStatus = now + IStatusProgress.LogSeconds;
            error.WriteLine(text);
        }));
    }

    /// <summary>Progress that reports on the calling thread (System.Progress posts to the thread pool); reports and statuses from worker threads are serialized.</summary>
    private sealed class SynchronousProgress(Action<int> report, Action<string> status) : IStatusProgress
    {
        private readonly Lock _gate = new();

        public void Report(int value)
        {
            lock (_gate) report(value);
        }

        public void Status(string text)
        {
            lock (_gate) status(text);
        }
    }
}
