namespace HwFlow.Runtime.Kernels;

/// <summary>
/// How a packed kernel runs: the ISA level (null = best available), threads (0 = one per core), and
/// whether the 16-bit-lane kernels may run: bin-dots on the slot-dot kernels and a convolution's dense
/// layer as input pairs (false: the VPOPCNTD kernels with a sink per chunk and 32-bit dense sums, kept
/// so that both paths stay tested).
/// </summary>
public sealed record KernelOptions(KernelIsa? Isa = null, int Threads = 0, bool WordLanes = true)
{
    public static KernelOptions Default { get; } = new();

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Below this many bit-products (about 10 us of one core) a product runs on one thread: waking a second costs more than it saves.</summary>
    public const long ParallelThreshold = 1L << 25;

    /// <summary>The threads to use for a product of <paramref name="bitProducts"/>.</summary>
    public int ThreadsFor(long bitProducts) => bitProducts < ParallelThreshold ? 1 : Math.Max(1, EffectiveThreads);
}
