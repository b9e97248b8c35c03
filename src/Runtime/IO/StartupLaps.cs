using System.Diagnostics;

namespace HwFlow.Runtime.IO;

/// <summary>
/// Where a short command's start-up time goes: with HWFLOW_TIMING=1 each <see cref="Lap"/> prints
/// to standard error the milliseconds since the process started and since the previous lap.
/// Off by default, and then free.
/// </summary>
public static class StartupLaps
{
    private static readonly bool On = Environment.GetEnvironmentVariable("HWFLOW_TIMING") == "1";
    private static readonly Lock Gate = new();
    private static double _last;

    public static void Lap(string what)
    {
        if (!On) return;
        double now = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        lock (Gate)
        {
            Console.Error.WriteLine($"hwflow-timing {now,7:F0} ms (+{now - _last,5:F0}) [{Environment.CurrentManagedThreadId}] {what}");
            _last = now;
        }
    }
}
