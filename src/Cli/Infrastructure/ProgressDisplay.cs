using Spectre.Console;

namespace HwFlow.Cli.Infrastructure;

/// <summary>
/// Progress on stderr: a live bar when stderr is a terminal, plain lines otherwise (CI logs,
/// pipes), never on stdout so --json output stays clean. Both report on the calling thread, in
/// order, so a line never comes after the result it led to.
/// </summary>
public static class ProgressDisplay
{
    internal static readonly IAnsiConsole ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    public static bool Interactive => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    /// <summary>Runs <paramref name="work"/> with a reporter counting up to <paramref name="total"/> steps.</summary>
    public static T Run<T>(string title, int total, Func<IProgress<int>, T> work)
    {
        if (!Interactive)
        {
            // A line as the work starts (a log shows what is running), then one per tenth done.
            Console.Error.WriteLine($"{title}: 0/{total}");
            int lastPrinted = 0;
            return work(new SynchronousProgress(done =>
            {
                int tenth = done * 10 / Math.Max(1, total);
                if (tenth == lastPrinted && done < total) return;
                lastPrinted = tenth;
                Console.Error.WriteLine($"{title}: {done}/{total}");
            }));
        }
        T result = default!;
        ErrorConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                result = work(new SynchronousProgress(done => task.Value = done));
            });
        return result;
    }

    /// <summary>Progress that reports on the calling thread (System.Progress posts to the thread pool); reports from worker threads are serialized.</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        private readonly Lock _gate = new();

        public void Report(int value)
        {
            lock (_gate) report(value);
        }
    }
}
