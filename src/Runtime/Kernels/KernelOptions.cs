namespace HwFlow.Runtime.Kernels;

/// <summary>How a packed kernel runs: the ISA level (null = best available) and threads (0 = one per core).</summary>
public sealed record KernelOptions(KernelIsa? Isa = null, int Threads = 0)
{
    public static KernelOptions Default { get; } = new();

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;
}
