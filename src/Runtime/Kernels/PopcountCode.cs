using System.Runtime.InteropServices;
using HwFlow.Runtime.Native;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HwFlow.Runtime.Kernels;

/// <summary>What a generated count kernel reads and writes (one pointer argument, so the code needs no stack).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PopcountArgs
{
    /// <summary>First activation row (at the chunk's first 32-bit step); rows are <see cref="RowStride"/> bytes apart.</summary>
    public byte* Activations;
    public long RowStride;

    /// <summary>First weight panel (64 outputs, <see cref="PopcountWeights"/> layout) at the chunk's first step.</summary>
    public byte* Weights;

    /// <summary>Bytes from the end of one panel's steps to the next panel's start.</summary>
    public long PanelSkip;

    /// <summary>32-bit steps per panel (at least 1).</summary>
    public long Steps;

    /// <summary>Counts out: 64 ints per panel, rows <see cref="OutStride"/> bytes apart.</summary>
    public int* Counts;
    public long OutStride;
    public long Panels;
}

/// <summary>
/// The VPOPCNTD count kernels. .NET 10 has no intrinsic for VPOPCNTD/Q (AVX-512 VPOPCNTDQ; the API
/// is approved, dotnet/runtime#96162, but not shipped), so these kernels are x86-64 machine code
/// assembled at run time with Iced (a managed assembler) and called through a function pointer.
/// One kernel counts R activation rows (1..6) against a run of 64-output weight panels, 32 input
/// bits per step: the step's weight words of 4 x 16 outputs sit in zmm24-27, and per row and
/// block, XOR (or AND) with the row's word broadcast from memory + VPOPCNTD + VPADDD adds 16
/// outputs' counts into one of 24 accumulators (zmm0-23): the 3-op step of the popcount peak,
/// with each lane one output, so the counts are stored as they are (no sum across lanes).
/// </summary>
internal static unsafe class PopcountCode
{
    public const int MaxRows = 6;
    public const int PanelOutputs = 64;
    private const int Blocks = 4;
    private const int Lanes = 16;

    /// <summary>zmm0-31 by number.</summary>
    internal static readonly AssemblerRegisterZMM[] Z =
    [
        zmm0, zmm1, zmm2, zmm3, zmm4, zmm5, zmm6, zmm7, zmm8, zmm9, zmm10, zmm11, zmm12, zmm13, zmm14, zmm15,
        zmm16, zmm17, zmm18, zmm19, zmm20, zmm21, zmm22, zmm23, zmm24, zmm25, zmm26, zmm27, zmm28, zmm29, zmm30, zmm31,
    ];

    // kernels[coding][rows - 1], generated on first use.
    private static readonly Lazy<nint>[][] Kernels =
    [
        [.. Enumerable.Range(1, MaxRows).Select(r => new Lazy<nint>(() => Generate(r, xor: false)))],
        [.. Enumerable.Range(1, MaxRows).Select(r => new Lazy<nint>(() => Generate(r, xor: true)))],
    ];

    /// <summary>The count kernel for <paramref name="rows"/> activation rows (1..6).</summary>
    public static delegate* unmanaged<PopcountArgs*, void> Counter(int rows, ActivationCoding coding) =>
        (delegate* unmanaged<PopcountArgs*, void>)Kernels[coding == ActivationCoding.Bipolar ? 1 : 0][rows - 1].Value;

    private static nint Generate(int rows, bool xor)
    {
        var a = new Assembler(64);
        var panelLoop = a.CreateLabel();
        var stepLoop = a.CreateLabel();
        // rdi = args; r8 = row pointer, r9 / r10 / r11 = 1 / 3 / 5 row strides, rdx = weights,
        // rsi = counts, rax = steps left, rcx = panels left.
        a.mov(r9, __qword_ptr[rdi + 8]);
        a.lea(r10, __[r9 + (r9 * 2)]);
        a.lea(r11, __[r9 + (r9 * 4)]);
        a.mov(rdx, __qword_ptr[rdi + 16]);
        a.mov(rsi, __qword_ptr[rdi + 40]);
        a.mov(rcx, __qword_ptr[rdi + 56]);
        a.Label(ref panelLoop);
        for (int i = 0; i < rows * Blocks; i++) a.vpxord(Z[i], Z[i], Z[i]);
        a.mov(r8, __qword_ptr[rdi]);
        a.mov(rax, __qword_ptr[rdi + 32]);
        a.Label(ref stepLoop);
        for (int c = 0; c < Blocks; c++) a.vmovdqu32(Z[24 + c], __zmmword_ptr[rdx + (c * 64)]);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < Blocks; c++)
            {
                int acc = (r * Blocks) + c;
                var t = Z[28 + (acc % 4)];
                if (xor) a.vpxord(t, Z[24 + c], RowWord(r));
                else a.vpandd(t, Z[24 + c], RowWord(r));
                a.vpopcntd(t, t);
                a.vpaddd(Z[acc], Z[acc], t);
            }
        }
        a.add(r8, sizeof(uint));
        a.add(rdx, PanelOutputs * sizeof(uint));
        a.dec(rax);
        a.jnz(stepLoop);
        a.add(rdx, __qword_ptr[rdi + 24]);
        a.mov(rax, __qword_ptr[rdi + 48]);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < Blocks; c++) a.vmovdqu32(__zmmword_ptr[RowOut(a, r) + (c * Lanes * sizeof(int))], Z[(r * Blocks) + c]);
        }
        a.add(rsi, PanelOutputs * sizeof(int));
        a.dec(rcx);
        a.jnz(panelLoop);
        a.vzeroupper();
        a.ret();
        return ExecutableCode.Place(a);
    }

    /// <summary>Row <paramref name="row"/>'s current 32-bit word, broadcast to 16 lanes.</summary>
    private static AssemblerMemoryOperand RowWord(int row) => row switch
    {
        0 => __dword_bcst[r8],
        1 => __dword_bcst[r8 + r9],
        2 => __dword_bcst[r8 + (r9 * 2)],
        3 => __dword_bcst[r8 + r10],
        4 => __dword_bcst[r8 + (r9 * 4)],
        _ => __dword_bcst[r8 + r11],
    };

    /// <summary>rsi + row * rax, using r8 for the odd multiples past 1.</summary>
    private static AssemblerMemoryOperand RowOut(Assembler a, int row)
    {
        switch (row)
        {
            case 0: return __[rsi];
            case 1: return __[rsi + rax];
            case 2: return __[rsi + (rax * 2)];
            case 4: return __[rsi + (rax * 4)];
            default:
                a.imul(r8, rax, row);
                return __[rsi + r8];
        }
    }
}
