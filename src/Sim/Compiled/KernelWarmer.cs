using System.Runtime.InteropServices;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// JIT-compiles settle kernels on the thread pool as soon as their last cell is emitted, while
/// this thread goes on emitting the rest of the design: building a large design's simulator is
/// mostly the JIT, which otherwise waits for all of the IL. A kernel is compiled by running it once
/// on a zeroed scratch buffer as large as the state was when it ended (it reads and writes no word
/// beyond): every partition flag is clear, so it runs little, and the JIT compiles a dynamic method
/// whole, whatever runs.
/// </summary>
internal sealed unsafe class KernelWarmer
{
    private readonly List<Task> _running = [];

    /// <param name="stateWords">Words of state laid out when <paramref name="kernel"/> ended.</param>
    public void Warm(KernelBuilder kernel, int stateWords)
    {
        var compiled = kernel.Finish();
        _running.Add(Task.Run(() => RunOnScratch(compiled, stateWords)));
    }

    /// <summary>Waits for every kernel handed over so far (and passes on any failure).</summary>
    public void Wait() => Task.WaitAll([.. _running]);

    private static void RunOnScratch(Kernel kernel, int stateWords)
    {
        // Lane vectors load aligned: the scratch starts on a 64-byte boundary, as the state does.
        var scratch = GC.AllocateArray<ulong>(stateWords + 8, pinned: true);
        long start = (long)Marshal.UnsafeAddrOfPinnedArrayElement(scratch, 0);
        int shift = (int)((64 - (start % 64)) % 64) / 8;
        kernel((ulong*)Marshal.UnsafeAddrOfPinnedArrayElement(scratch, shift));
        GC.KeepAlive(scratch);
    }
}
