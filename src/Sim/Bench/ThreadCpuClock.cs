namespace HwFlow.Sim.Bench;

/// <summary>
/// CPU time consumed by the calling thread (<see cref="Runtime.IO.ThreadCpuTime"/>). Benchmarks
/// report it next to wall time because on a busy machine wall time mostly measures waiting for a core.
/// </summary>
public static class ThreadCpuClock
{
    public static TimeSpan Now() => Runtime.IO.ThreadCpuTime.Now();
}
