using System.Diagnostics;

namespace HwFlow.Runtime.IO;

/// <summary>
/// Where a short command's start-up time goes: with HWFLOW_TIMING=1 each <see cref="Lap"/> prints
/// to standard error the wall milliseconds since the process started and since the previous lap,
/// and the CPU milliseconds the calling thread and the whole process have used (on a busy machine
/// wall time mostly measures waiting for a core). Off by default, and then free.
/// </summary>
public static class StartupLaps
{
    private static readonly bool On = Environment.GetEnvironmentVariable("HWFLOW_TIMING") == "1";
    private static readonly Lock Gate = new();
    private static double _last;

    public static void Lap(string what)
    {
        if (!On) return;
        using var process = Process.GetCurrentProcess();
        double now = (DateTime.Now - process.StartTime).TotalMilliseconds;
        lock (Gate)
        {
            Console.Error.WriteLine($"hwflow-timing {now,6:F0} ms (+{now - _last,4:F0}) cpu thread {ThreadCpuTime.Now().TotalMilliseconds,4:F0} process {process.TotalProcessorTime.TotalMilliseconds,5:F0} [{Environment.CurrentManagedThreadId}] {what}");
            _last = now;
        }
    }
}
