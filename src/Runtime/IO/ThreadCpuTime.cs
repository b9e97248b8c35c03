using System.Runtime.InteropServices;

namespace HwFlow.Runtime.IO;

/// <summary>
/// CPU time consumed by the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID), the
/// clock the C++ harness uses too); elsewhere the process's CPU time.
/// </summary>
public static class ThreadCpuTime
{
    private const int ThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    public static TimeSpan Now()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTimeId, out var t) == 0)
            return TimeSpan.FromTicks((t.Seconds * TimeSpan.TicksPerSecond) + (t.Nanoseconds / 100));
        return System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    }
}
