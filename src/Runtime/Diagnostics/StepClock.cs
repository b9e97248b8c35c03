using System.Collections.Concurrent;
using System.Diagnostics;

namespace HwFlow.Runtime.Diagnostics;

/// <summary>
/// Wall time per named step, summed over the process and printed to stderr at exit, when the
/// environment variable HWFLOW_STEP_CLOCK is 1 (for profiling the packed engine; off otherwise, and
/// then each call is one test of a static readonly flag the JIT folds away).
/// </summary>
internal static class StepClock
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("HWFLOW_STEP_CLOCK") == "1";

    private static readonly ConcurrentDictionary<(string Name, string Step), long[]> Totals = new();

    static StepClock()
    {
        if (Enabled) AppDomain.CurrentDomain.ProcessExit += (_, _) => Report(Console.Error);
    }

    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Adds the time since <paramref name="start"/> to node <paramref name="name"/>'s <paramref name="step"/> and returns now (the next step's start).</summary>
    public static long Stop(string name, string step, long start)
    {
        if (!Enabled) return 0;
        long now = Stopwatch.GetTimestamp();
        var entry = Totals.GetOrAdd((name, step), _ => new long[2]);
        Interlocked.Add(ref entry[0], now - start);
        Interlocked.Increment(ref entry[1]);
        return now;
    }

    public static void Report(TextWriter writer)
    {
        double all = Totals.Where(t => t.Key.Step == "node").Sum(t => t.Value[0]);
        foreach (var ((name, step), entry) in Totals.OrderBy(t => t.Key.Name, StringComparer.Ordinal).ThenBy(t => t.Key.Step, StringComparer.Ordinal))
            writer.WriteLine($"step-clock {name + " " + step,-50} {entry[0] * 1e3 / Stopwatch.Frequency,10:F1} ms {entry[1],9} calls {(all > 0 ? 100.0 * entry[0] / all : 0),6:F1}% of nodes");
    }
}
