namespace HwFlow.Runtime.Kernels;

/// <summary>How a packed kernel runs: the ISA level (null = best available) and threads (0 = one per core).</summary>
public sealed record KernelOptions(KernelIsa? Isa = null, int Threads = 0)
{
    public static KernelOptions Default { get; } = new();

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Below this many bit-products (about 10 us of one core) a product runs on one thread: waking a second costs more than it saves.</summary>
    public const long ParallelThreshold = 1L << 25;

    /// <summary>The threads to use for a product of <paramref name="bitProducts"/>.</summary>
    public int ThreadsFor(long bitProducts) => bitProducts < ParallelThreshold ? 1 : Math.Max(1, EffectiveThreads);
}
