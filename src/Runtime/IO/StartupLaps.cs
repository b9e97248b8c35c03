using System.Diagnostics;
using System.Runtime.InteropServices;

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
            Console.Error.WriteLine($"hwflow-timing {now,6:F0} ms (+{now - _last,4:F0}) cpu thread {ThreadCpuMilliseconds(),4:F0} process {process.TotalProcessorTime.TotalMilliseconds,5:F0} [{Environment.CurrentManagedThreadId}] {what}");
            _last = now;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private static double ThreadCpuMilliseconds() =>
        OperatingSystem.IsLinux() && ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN;
}
