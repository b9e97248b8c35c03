using System.Runtime.InteropServices;
using HwFlow.Runtime.Native;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HwFlow.Runtime.Kernels;

/// <summary>What a generated count kernel reads and writes (one pointer argument, so the code needs no stack).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PopcountArgs
{
    /// <summary>First activation row (at the chunk's first 512-bit step); rows are <see cref="RowStride"/> bytes apart.</summary>
    public byte* Activations;
    public long RowStride;

    /// <summary>First weight panel (4 outputs, <see cref="PopcountWeights"/> layout) at the chunk's first step.</summary>
    public byte* Weights;

    /// <summary>Bytes from the end of one panel's steps to the next panel's start.</summary>
    public long PanelSkip;

    /// <summary>512-bit steps per panel (at least 1).</summary>
    public long Steps;

    /// <summary>Counts out: 4 ints per panel, rows <see cref="OutStride"/> bytes apart.</summary>
    public int* Counts;
    public long OutStride;
    public long Panels;
}

/// <summary>
/// The VPOPCNTQ count kernels. .NET 10 has no intrinsic for VPOPCNTQ (AVX-512 VPOPCNTDQ; the API
/// is approved, dotnet/runtime#96162, but not shipped), so these kernels are x86-64 machine code
/// assembled at run time with Iced (a managed assembler) and called through a function pointer.
/// One kernel counts R activation rows (1..6) against a run of 4-output weight panels: per 512-bit
/// step it keeps R x 4 accumulators of 8 per-word counts in zmm0-23, the 4 weight vectors in
/// zmm24-27 and the row vector in zmm28: XOR (or AND) + VPOPCNTQ + VPADDQ per pair, the 3-op step
/// whose throughput is the popcount peak. Each panel's accumulators are summed across lanes by a
/// transpose-and-add tree (21 ops per 8 accumulators) into 4 ints per row.
/// </summary>
internal static unsafe class PopcountCode
{
    public const int MaxRows = 6;
    public const int PanelOutputs = 4;
    public const int StepBytes = 64;

    /// <summary>zmm0-31 by number.</summary>
    internal static readonly AssemblerRegisterZMM[] Z =
    [
        zmm0, zmm1, zmm2, zmm3, zmm4, zmm5, zmm6, zmm7, zmm8, zmm9, zmm10, zmm11, zmm12, zmm13, zmm14, zmm15,
        zmm16, zmm17, zmm18, zmm19, zmm20, zmm21, zmm22, zmm23, zmm24, zmm25, zmm26, zmm27, zmm28, zmm29, zmm30, zmm31,
    ];

    private static readonly AssemblerRegisterYMM[] Y =
    [
        ymm0, ymm1, ymm2, ymm3, ymm4, ymm5, ymm6, ymm7, ymm8, ymm9, ymm10, ymm11, ymm12, ymm13, ymm14, ymm15,
        ymm16, ymm17, ymm18, ymm19, ymm20, ymm21, ymm22, ymm23, ymm24, ymm25, ymm26, ymm27, ymm28, ymm29, ymm30, ymm31,
    ];

    private static readonly AssemblerRegisterXMM[] X =
    [
        xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
        xmm16, xmm17, xmm18, xmm19, xmm20, xmm21, xmm22, xmm23, xmm24, xmm25, xmm26, xmm27, xmm28, xmm29, xmm30, xmm31,
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
        for (int i = 0; i < rows * PanelOutputs; i++) a.vpxord(Z[i], Z[i], Z[i]);
        a.mov(r8, __qword_ptr[rdi]);
        a.mov(rax, __qword_ptr[rdi + 32]);
        a.Label(ref stepLoop);
        for (int c = 0; c < PanelOutputs; c++) a.vmovdqu64(Z[24 + c], __zmmword_ptr[rdx + (c * StepBytes)]);
        for (int r = 0; r < rows; r++)
        {
            a.vmovdqu64(Z[28], RowOperand(r));
            for (int c = 0; c < PanelOutputs; c++)
            {
                int acc = (r * PanelOutputs) + c;
                var t = Z[29 + (acc % 3)];
                if (xor) a.vpxorq(t, Z[28], Z[24 + c]);
                else a.vpandq(t, Z[28], Z[24 + c]);
                a.vpopcntq(t, t);
                a.vpaddq(Z[acc], Z[acc], t);
            }
        }
        a.add(r8, StepBytes);
        a.add(rdx, PanelOutputs * StepBytes);
        a.dec(rax);
        a.jnz(stepLoop);
        a.add(rdx, __qword_ptr[rdi + 24]);
        a.mov(rax, __qword_ptr[rdi + 48]);
        for (int pair = 0; pair * 2 < rows; pair++) StorePair(a, pair, rows);
        a.add(rsi, PanelOutputs * sizeof(int));
        a.dec(rcx);
        a.jnz(panelLoop);
        a.vzeroupper();
        a.ret();
        return Place(a);
    }

    private static AssemblerMemoryOperand RowOperand(int row) => row switch
    {
        0 => __zmmword_ptr[r8],
        1 => __zmmword_ptr[r8 + r9],
        2 => __zmmword_ptr[r8 + (r9 * 2)],
        3 => __zmmword_ptr[r8 + r10],
        4 => __zmmword_ptr[r8 + (r9 * 4)],
        _ => __zmmword_ptr[r8 + r11],
    };

    /// <summary>
    /// Sums the 8 lanes of rows 2p and 2p+1's accumulators (X0..X3, X4..X7) into 8 totals in
    /// order: pairs of 64-bit lanes, then of 128-bit lanes twice; then narrows to ints and stores
    /// 4 per row. rax holds the output row stride; r8 is free.
    /// </summary>
    private static void StorePair(Assembler a, int pair, int rows)
    {
        int first = pair * 2 * PanelOutputs;
        bool second = (pair * 2) + 1 < rows;
        var acc = new AssemblerRegisterZMM[8];
        for (int i = 0; i < 8; i++) acc[i] = i < 4 || second ? Z[first + i] : Z[31];
        if (!second) a.vpxord(Z[31], Z[31], Z[31]);
        // Y_m (zmm24..27) = lane pairs of X_2m and X_2m+1.
        for (int m = 0; m < 4; m++)
        {
            a.vpunpcklqdq(Z[24 + m], acc[2 * m], acc[(2 * m) + 1]);
            a.vpunpckhqdq(Z[28], acc[2 * m], acc[(2 * m) + 1]);
            a.vpaddq(Z[24 + m], Z[24 + m], Z[28]);
        }
        for (int h = 0; h < 2; h++)
        {
            a.vshufi64x2(Z[28], Z[24 + (2 * h)], Z[25 + (2 * h)], 0x88);
            a.vshufi64x2(Z[29], Z[24 + (2 * h)], Z[25 + (2 * h)], 0xDD);
            a.vpaddq(Z[24 + h], Z[28], Z[29]);
        }
        a.vshufi64x2(Z[28], Z[24], Z[25], 0x88);
        a.vshufi64x2(Z[29], Z[24], Z[25], 0xDD);
        a.vpaddq(Z[30], Z[28], Z[29]);
        a.vpmovqd(Y[30], Z[30]);
        int row = pair * 2;
        a.vmovdqu32(__xmmword_ptr[RowOut(a, row)], X[30]);
        if (second) a.vextracti32x4(__xmmword_ptr[RowOut(a, row + 1)], Y[30], 1);
    }

    /// <summary>rsi + row * rax, using r8 for the odd multiples.</summary>
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

    private static nint Place(Assembler a)
    {
        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), 0);
        return ExecutableCode.Place(stream.ToArray());
    }
}
