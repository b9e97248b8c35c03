using System.Runtime.InteropServices;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HwFlow.Runtime.Kernels;

/// <summary>What a generated fused Hadamard kernel reads and writes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HadamardArgs
{
    public byte* Activations;
    public long RowStride;

    /// <summary>First weight panel (<see cref="PopcountWeights"/> layout); panels are contiguous.</summary>
    public byte* Weights;

    /// <summary>64-bit chunks per row (at least 1).</summary>
    public long Chunks;

    public float* Output;
    public long OutStride;
    public long Panels;

    /// <summary>Activation scales of the (up to) 4 rows, [chunk][row].</summary>
    public float* ActivationScales;

    /// <summary>Twice the weight scales, [panel][chunk][64 outputs], from the first panel on.</summary>
    public float* WeightScales;
}

/// <summary>
/// The fused Hadamard GEMM (xHBNN) with VPOPCNTD, for 64-bit chunks and bipolar activations, on
/// the binary kernel's layout (lanes are outputs, 64-output panels, 32-bit steps): a chunk is two
/// steps. With the first step's activation word inverted, pop(~a ^ w0) - pop(a ^ w1) = 32 - t for
/// the chunk's count t, so P = 64 - 2t = 2 (32 - t) needs no constant: per chunk and (row, 16
/// outputs) it takes 2 XOR, 2 VPOPCNTD, a subtract, a convert to float, the scale product
/// sa x 2sw and one FMA, 8 ops where the plain count takes 6. Up to 4 rows x 64 outputs (zmm0-15);
/// the chunk's 8 weight vectors stay in zmm16-23, the row's two words and scale are broadcast.
/// </summary>
internal static unsafe class HadamardPopcountCode
{
    public const int MaxRows = 4;
    private const int Blocks = 4;
    private const int Lanes = 16;

    private static readonly AssemblerRegisterZMM[] Z = PopcountCode.Z;

    private static readonly Lazy<nint>[] Kernels = [.. Enumerable.Range(1, MaxRows).Select(r => new Lazy<nint>(() => Generate(r)))];

    public static delegate* unmanaged<HadamardArgs*, void> Kernel(int rows) => (delegate* unmanaged<HadamardArgs*, void>)Kernels[rows - 1].Value;

    private static AssemblerRegisterZMM Acc(int row, int block) => Z[(row * Blocks) + block];

    private static nint Generate(int rows)
    {
        var a = new Assembler(64);
        var panelLoop = a.CreateLabel();
        var chunkLoop = a.CreateLabel();
        // rdi = args; r8 = row pointer, r9 / r10 = 1 / 3 row strides, rdx = weights, rsi = output,
        // rcx = panels left, rax = chunks left, r11 = activation scales, rbx = weight scales (saved).
        a.push(rbx);
        a.mov(r9, __qword_ptr[rdi + 8]);
        a.lea(r10, __[r9 + (r9 * 2)]);
        a.mov(rdx, __qword_ptr[rdi + 16]);
        a.mov(rsi, __qword_ptr[rdi + 32]);
        a.mov(rcx, __qword_ptr[rdi + 48]);
        a.mov(rbx, __qword_ptr[rdi + 64]);
        a.Label(ref panelLoop);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < Blocks; c++) a.vpxord(Acc(r, c), Acc(r, c), Acc(r, c));
        a.mov(r8, __qword_ptr[rdi]);
        a.mov(r11, __qword_ptr[rdi + 56]);
        a.mov(rax, __qword_ptr[rdi + 24]);
        a.Label(ref chunkLoop);
        for (int i = 0; i < 2 * Blocks; i++) a.vmovdqu32(Z[16 + i], __zmmword_ptr[rdx + (i * 64)]);
        for (int r = 0; r < rows; r++)
        {
            a.vpbroadcastd(zmm24, RowWord(r, 0));
            a.vpternlogd(zmm24, zmm24, zmm24, 0x55);
            a.vpbroadcastd(zmm25, RowWord(r, 4));
            a.vbroadcastss(zmm26, __dword_ptr[r11 + (r * sizeof(float))]);
            for (int c = 0; c < Blocks; c++)
            {
                a.vpxord(zmm27, Z[16 + c], zmm24);
                a.vpopcntd(zmm27, zmm27);
                a.vpxord(zmm28, Z[16 + Blocks + c], zmm25);
                a.vpopcntd(zmm28, zmm28);
                a.vpsubd(zmm27, zmm27, zmm28);
                a.vcvtdq2ps(zmm27, zmm27);
                a.vmulps(zmm29, zmm26, __zmmword_ptr[rbx + (c * Lanes * sizeof(float))]);
                a.vfmadd231ps(Acc(r, c), zmm27, zmm29);
            }
        }
        a.add(r8, 2 * sizeof(uint));
        a.add(rdx, 2 * PopcountCode.PanelOutputs * sizeof(uint));
        a.add(r11, MaxRows * sizeof(float));
        a.add(rbx, PopcountCode.PanelOutputs * sizeof(float));
        a.dec(rax);
        a.jnz(chunkLoop);
        a.mov(rax, __qword_ptr[rdi + 40]);
        for (int r = 0; r < rows; r++)
        {
            var target = r switch { 0 => __[rsi], 1 => __[rsi + rax], 2 => __[rsi + (rax * 2)], _ => RowThree(a) };
            for (int c = 0; c < Blocks; c++) a.vmovups(__zmmword_ptr[target + (c * Lanes * sizeof(float))], Acc(r, c));
        }
        a.add(rsi, PopcountCode.PanelOutputs * sizeof(float));
        a.dec(rcx);
        a.jnz(panelLoop);
        a.pop(rbx);
        a.vzeroupper();
        a.ret();
        return Native.ExecutableCode.Place(a);
    }

    private static AssemblerMemoryOperand RowWord(int row, int offset) => row switch
    {
        0 => __dword_ptr[r8 + offset],
        1 => __dword_ptr[r8 + r9 + offset],
        2 => __dword_ptr[r8 + (r9 * 2) + offset],
        _ => __dword_ptr[r8 + r10 + offset],
    };

    /// <summary>rsi + 3 x the output stride (in rax), through r8 (free once the chunks are done).</summary>
    private static AssemblerMemoryOperand RowThree(Assembler a)
    {
        a.lea(r8, __[rax + (rax * 2)]);
        return __[rsi + r8];
    }
}
