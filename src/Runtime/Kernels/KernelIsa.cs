using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HwFlow.Runtime.Kernels;

/// <summary>The instruction-set level a packed kernel runs at, lowest first.</summary>
public enum KernelIsa
{
    /// <summary>64-bit words and the POPCNT instruction (or its software fallback).</summary>
    Scalar,

    /// <summary>Vector256: 4-bit table lookups with VPSHUFB over 32 output neurons at once.</summary>
    Avx2,

    /// <summary>Vector512: 6-bit table lookups with VPERMB (AVX-512 VBMI) over 64 output neurons at once.</summary>
    Avx512,

    /// <summary>
    /// XOR/AND + VPOPCNTD/Q (AVX-512 VPOPCNTDQ), in kernels generated at run time (.NET has no
    /// intrinsic for them); Linux x86-64. Binary products need chunks on 32-bit steps, the fused
    /// Hadamard product 64-bit chunks of bipolar activations; other shapes run the <see cref="Avx512"/> kernels.
    /// </summary>
    Avx512Popcount,
}

/// <summary>
/// Which kernel level this CPU can run, and the choice for a request: a level the CPU lacks
/// falls back to the best it has, and says so once per process on stderr.
/// </summary>
public static class KernelCpu
{
    private static int _noted;

    /// <summary>The best level this CPU (and the runtime's enabled ISAs) supports.</summary>
    public static KernelIsa Best { get; } = Detect(
        avx512: Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported,
        avx2: Avx2.IsSupported,
        vpopcntdq: Avx512F.IsSupported && HasVpopcntdq() && Native.ExecutableCode.Supported);

    /// <summary>Whether this CPU also runs the slot-dot kernels (AVX-512 BITALG and VNNI) at <see cref="KernelIsa.Avx512Popcount"/>.</summary>
    public static bool SlotDot => Best == KernelIsa.Avx512Popcount && SlotDotCode.Supported;

    /// <summary>Where the fallback note goes; tests replace it.</summary>
    public static TextWriter NoteWriter { get; set; } = Console.Error;

    public static KernelIsa Detect(bool avx512, bool avx2, bool vpopcntdq = false) =>
        avx512 ? (vpopcntdq ? KernelIsa.Avx512Popcount : KernelIsa.Avx512) : avx2 ? KernelIsa.Avx2 : KernelIsa.Scalar;

    /// <summary>CPUID leaf 7, ECX bit 14: AVX512_VPOPCNTDQ (the runtime reports no such ISA of its own).</summary>
    private static bool HasVpopcntdq() => X86Base.IsSupported && (X86Base.CpuId(7, 0).Ecx & (1 << 14)) != 0;

    /// <summary>The level to run for <paramref name="requested"/> (null = the best there is).</summary>
    public static KernelIsa Resolve(KernelIsa? requested) => Resolve(requested, Best, NoteOnce);

    /// <summary>
    /// The level to run for <paramref name="requested"/> on a CPU whose best level is
    /// <paramref name="best"/>; calls <paramref name="note"/> with the reason when the CPU forces a lower level.
    /// </summary>
    public static KernelIsa Resolve(KernelIsa? requested, KernelIsa best, Action<string> note)
    {
        var wanted = requested ?? KernelIsa.Avx512Popcount;
        if (wanted <= best) return wanted;
        if (best == KernelIsa.Avx512)
        {
            if (requested is not null) note("this CPU (or OS) lacks AVX-512 VPOPCNTDQ kernels; packed binary kernels fall back to AVX-512 table lookups");
            return best;
        }
        note(best == KernelIsa.Avx2
            ? "this CPU lacks AVX-512 (F, BW, VBMI); packed binary kernels fall back to AVX2"
            : "this CPU lacks AVX2; packed binary kernels fall back to scalar 64-bit popcount");
        return best;
    }

    private static void NoteOnce(string message)
    {
        if (Interlocked.Exchange(ref _noted, 1) == 0) NoteWriter.WriteLine($"hwflow: note: {message}");
    }
}
