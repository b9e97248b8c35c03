using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HwFlow.Runtime.Native;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HwFlow.Runtime.Kernels;

/// <summary>What a generated plane-chain kernel reads and writes (<see cref="PlaneChainCode"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PlaneChainArgs
{
    /// <summary>The 16 windows' input pairs, [phase][pair] (4 x pairs vectors).</summary>
    public Vector512<short>* Inputs;

    /// <summary>[pair][output]: (w_2m,j, w_2m+1,j) in every 32-bit lane.</summary>
    public Vector512<short>* Weights;
    public Vector512<int>* Bias;

    /// <summary>Per output, all ones where the pool takes the min.</summary>
    public Vector512<int>* Down;

    /// <summary>Out: per output, the pooled sums of the 16 windows.</summary>
    public Vector512<int>* Pooled;
    public long Outputs;
}

/// <summary>
/// The chains of <see cref="PlanePooledDense"/> as generated code: the 16 windows' input pairs of all
/// four phases stay in registers (4 x pairs of them, 20 for a 3x3 kernel) for every output, and each
/// output's four phase sums are bias + a chain of VPDPWSSD (AVX-512 VNNI: the multiply and the add in
/// one instruction, where the C# form needs VPMADDWD then VPADDD and reloads the inputs), then maxed or
/// minned lane by lane. VPDPWSSD wraps as VPMADDWD + VPADDD do, and the caller's bound proves neither
/// overflows, so the sums are the same.
/// </summary>
internal static unsafe class PlaneChainCode
{
    /// <summary>The most pairs whose four phases fit the registers (zmm0-19).</summary>
    public const int MaxPairs = 5;

    private static readonly Lazy<nint>[] Kernels = [.. Enumerable.Range(1, MaxPairs).Select(p => new Lazy<nint>(() => Generate(p)))];

    /// <summary>Whether this CPU runs the kernels: AVX-512 BW and VNNI, and generated code.</summary>
    public static bool Supported { get; } = ExecutableCode.Supported && Avx512BW.IsSupported && X86Base.IsSupported
        && (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;

    public static delegate* unmanaged<PlaneChainArgs*, void> Kernel(int pairs) => (delegate* unmanaged<PlaneChainArgs*, void>)Kernels[pairs - 1].Value;

    private static nint Generate(int pairs)
    {
        var z = PopcountCode.Z;
        var a = new Assembler(64);
        var outputLoop = a.CreateLabel();
        // zmm0 .. 4 pairs - 1: inputs [phase][pair]; zmm20-23: the phases' sums; zmm24 weights; zmm25 max, zmm26 min, zmm27 the result.
        // rdx = weights at the current output, r9 = bias, r10 = down, rsi = pooled, rcx = outputs left, r11 = a pair's stride in bytes.
        a.mov(r8, __qword_ptr[rdi]);
        for (int i = 0; i < 4 * pairs; i++) a.vmovdqu32(z[i], __zmmword_ptr[r8 + (i * 64)]);
        a.mov(rdx, __qword_ptr[rdi + 8]);
        a.mov(r9, __qword_ptr[rdi + 16]);
        a.mov(r10, __qword_ptr[rdi + 24]);
        a.mov(rsi, __qword_ptr[rdi + 32]);
        a.mov(rcx, __qword_ptr[rdi + 40]);
        a.mov(r11, rcx);
        a.shl(r11, 6);
        a.Label(ref outputLoop);
        for (int p = 0; p < 4; p++) a.vmovdqu32(z[20 + p], __zmmword_ptr[r9]);
        a.mov(rax, rdx);
        for (int m = 0; m < pairs; m++)
        {
            a.vmovdqu32(z[24], __zmmword_ptr[rax]);
            for (int p = 0; p < 4; p++) a.vpdpwssd(z[20 + p], z[(p * pairs) + m], z[24]);
            if (m + 1 < pairs) a.add(rax, r11);
        }
        a.vpmaxsd(z[25], z[20], z[21]);
        a.vpminsd(z[26], z[20], z[21]);
        a.vpmaxsd(z[25], z[25], z[22]);
        a.vpminsd(z[26], z[26], z[22]);
        a.vpmaxsd(z[25], z[25], z[23]);
        a.vpminsd(z[26], z[26], z[23]);
        a.vmovdqu32(z[27], __zmmword_ptr[r10]);
        a.vpternlogd(z[27], z[26], z[25], 0xCA); // down ? min : max, bit by bit
        a.vmovdqu32(__zmmword_ptr[rsi], z[27]);
        a.add(rdx, 64);
        a.add(r9, 64);
        a.add(r10, 64);
        a.add(rsi, 64);
        a.dec(rcx);
        a.jnz(outputLoop);
        a.vzeroupper();
        a.ret();
        return ExecutableCode.Place(a);
    }
}
