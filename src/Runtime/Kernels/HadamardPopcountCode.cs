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

    /// <summary>First weight panel (<see cref="HadamardPanels"/> layout); panels are PanelBytes apart, contiguous.</summary>
    public byte* Weights;

    /// <summary>Pairs of 512-bit steps (16 chunks of 64 bits); a final single step when <see cref="OddStep"/> is 1.</summary>
    public long Units;

    public float* Output;
    public long OutStride;
    public long Panels;

    /// <summary>Activation scales of the (up to) 4 rows, [unit][row][16 floats].</summary>
    public float* ActivationScales;

    /// <summary>Twice the weight scales, [panel][unit][output][16 floats] (<see cref="HadamardWeights"/>).</summary>
    public float* WeightScales;

    /// <summary>The VPERMT2D index that packs two vectors of 8 word counts into 16 ints.</summary>
    public int* Constants;
    public long OddStep;

    /// <summary>Half a chunk, subtracted from each count (set to 32).</summary>
    public int HalfChunk;
}

/// <summary>
/// The fused Hadamard GEMM (xHBNN) with VPOPCNTQ, for 64-bit chunks and bipolar activations: one
/// 64-bit word is one chunk, so VPOPCNTQ of a XOR w gives 8 chunk counts t at once, and
/// P = 64 - 2t = 2 (32 - t). Per pair of steps and (row, output): 2 XOR, 2 VPOPCNTQ, one VPERMT2D
/// packing the 16 counts into ints, t - 32, to float, the scale product sa x (-2 sw), and one FMA into a
/// float accumulator of 16 chunk lanes: 9 ops per 1,024 bit-products where the plain count needs 6
/// (so at most 2/3 of its speed).
/// Up to 4 rows x 4 outputs (zmm0-15); lanes are summed at the end of each panel by a transpose
/// tree that leaves row l's 4 outputs in 128-bit lane l.
/// </summary>
internal static unsafe class HadamardPopcountCode
{
    public const int MaxRows = 4;
    private const int Outputs = HadamardPanels.PanelOutputs;

    private static readonly AssemblerRegisterZMM[] Z = PopcountCode.Z;

    private static readonly Lazy<nint>[] Kernels = [.. Enumerable.Range(1, MaxRows).Select(r => new Lazy<nint>(() => Generate(r)))];

    public static delegate* unmanaged<HadamardArgs*, void> Kernel(int rows) => (delegate* unmanaged<HadamardArgs*, void>)Kernels[rows - 1].Value;

    /// <summary>The accumulator of (row, output): index 4 output + row, so the reduction leaves rows in 128-bit lanes.</summary>
    private static AssemblerRegisterZMM Acc(int row, int output) => Z[(4 * output) + row];

    private static nint Generate(int rows)
    {
        var a = new Assembler(64);
        var panelLoop = a.CreateLabel();
        var unitLoop = a.CreateLabel();
        var unitsDone = a.CreateLabel();
        var noTail = a.CreateLabel();
        // rdi = args; r8 = activation row 0, r9 / r10 = 1 / 3 row strides, rdx = weights, rsi = output,
        // rcx = panels left, rax = units left, r11 = activation scales; the weight scales pointer is
        // kept in the args (args + 64) for want of registers.
        a.mov(r9, __qword_ptr[rdi + 8]);
        a.lea(r10, __[r9 + (r9 * 2)]);
        a.mov(rdx, __qword_ptr[rdi + 16]);
        a.mov(rsi, __qword_ptr[rdi + 32]);
        a.mov(rcx, __qword_ptr[rdi + 48]);
        a.vpxord(zmm31, zmm31, zmm31);
        a.Label(ref panelLoop);
        a.mov(rax, __qword_ptr[rdi + 72]);
        a.vmovdqu32(zmm16, __zmmword_ptr[rax]);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < Outputs; c++) a.vpxord(Acc(r, c), Acc(r, c), Acc(r, c));
        a.mov(r11, __qword_ptr[rdi + 56]);
        a.mov(r8, __qword_ptr[rdi]);
        a.mov(rax, __qword_ptr[rdi + 24]);
        a.test(rax, rax);
        a.jz(unitsDone);
        a.Label(ref unitLoop);
        EmitUnit(a, rows, tail: false);
        a.add(r8, 2 * HadamardPanels.StepBytes);
        a.add(r11, MaxRows * 64);
        a.add(rdx, 2 * Outputs * HadamardPanels.StepBytes);
        a.add(__qword_ptr[rdi + 64], Outputs * 64);
        a.dec(rax);
        a.jnz(unitLoop);
        a.Label(ref unitsDone);
        a.cmp(__qword_ptr[rdi + 80], 0);
        a.je(noTail);
        EmitUnit(a, rows, tail: true);
        a.add(rdx, Outputs * HadamardPanels.StepBytes);
        a.add(__qword_ptr[rdi + 64], Outputs * 64);
        a.Label(ref noTail);
        Reduce(a, rows);
        a.add(rsi, Outputs * sizeof(float));
        a.dec(rcx);
        a.jnz(panelLoop);
        a.vzeroupper();
        a.ret();
        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), 0);
        return Native.ExecutableCode.Place(stream.ToArray());
    }

    /// <summary>
    /// One unit (two steps, or one when <paramref name="tail"/>) for every row and output. The unit's
    /// 8 weight vectors stay in zmm17-24 (each serves 4 rows), the row's two vectors and scales in
    /// zmm25-27; t - 32 takes the 32 as a broadcast from the args, and the weight scales (negated,
    /// so (t - 32)(-2 sw) = 64 - 2t times sw) come as memory operands: 36 loads per 144 ops.
    /// </summary>
    private static void EmitUnit(Assembler a, int rows, bool tail)
    {
        a.push(rcx);
        a.mov(rcx, __qword_ptr[rdi + 64]);
        for (int step = 0; step < (tail ? 1 : 2); step++)
        {
            for (int c = 0; c < Outputs; c++) a.vmovdqu64(Z[17 + (step * Outputs) + c], __zmmword_ptr[rdx + (((step * Outputs) + c) * 64)]);
        }
        for (int r = 0; r < rows; r++)
        {
            var row = r switch { 0 => __zmmword_ptr[r8], 1 => __zmmword_ptr[r8 + r9], 2 => __zmmword_ptr[r8 + (r9 * 2)], _ => __zmmword_ptr[r8 + r10] };
            var rowNext = r switch { 0 => __zmmword_ptr[r8 + 64], 1 => __zmmword_ptr[r8 + r9 + 64], 2 => __zmmword_ptr[r8 + (r9 * 2) + 64], _ => __zmmword_ptr[r8 + r10 + 64] };
            a.vmovdqu64(zmm25, row);
            if (!tail) a.vmovdqu64(zmm26, rowNext);
            a.vmovups(zmm27, __zmmword_ptr[r11 + (r * 64)]);
            for (int c = 0; c < Outputs; c++)
            {
                a.vpxorq(zmm28, zmm25, Z[17 + c]);
                a.vpopcntq(zmm28, zmm28);
                if (tail)
                {
                    a.vpermt2d(zmm28, zmm16, zmm31);
                }
                else
                {
                    a.vpxorq(zmm29, zmm26, Z[17 + Outputs + c]);
                    a.vpopcntq(zmm29, zmm29);
                    a.vpermt2d(zmm28, zmm16, zmm29);
                }
                a.vpsubd(zmm28, zmm28, __dword_bcst[rdi + 88]);
                a.vcvtdq2ps(zmm28, zmm28);
                a.vmulps(zmm30, zmm27, __zmmword_ptr[rcx + (c * 64)]);
                a.vfmadd231ps(Acc(r, c), zmm28, zmm30);
            }
        }
        a.pop(rcx);
    }

    /// <summary>Sums each accumulator's 16 lanes; row l's 4 outputs end in 128-bit lane l, stored at rsi + l * stride.</summary>
    private static void Reduce(Assembler a, int rows)
    {
        for (int m = 0; m < 8; m++)
        {
            a.vshuff32x4(Z[16 + m], Z[2 * m], Z[(2 * m) + 1], 0x44);
            a.vshuff32x4(Z[24], Z[2 * m], Z[(2 * m) + 1], 0xEE);
            a.vaddps(Z[16 + m], Z[16 + m], Z[24]);
        }
        for (int n = 0; n < 4; n++)
        {
            a.vshuff32x4(Z[25 + n], Z[16 + (2 * n)], Z[17 + (2 * n)], 0x88);
            a.vshuff32x4(Z[29], Z[16 + (2 * n)], Z[17 + (2 * n)], 0xDD);
            a.vaddps(Z[25 + n], Z[25 + n], Z[29]);
        }
        for (int h = 0; h < 2; h++)
        {
            a.vunpcklpd(Z[16 + h], Z[25 + (2 * h)], Z[26 + (2 * h)]);
            a.vunpckhpd(Z[29], Z[25 + (2 * h)], Z[26 + (2 * h)]);
            a.vaddps(Z[16 + h], Z[16 + h], Z[29]);
        }
        a.vshufps(zmm18, zmm16, zmm17, 0x88);
        a.vshufps(zmm29, zmm16, zmm17, 0xDD);
        a.vaddps(zmm18, zmm18, zmm29);
        a.mov(r11, __qword_ptr[rdi + 40]);
        a.vextractf32x4(__xmmword_ptr[rsi], zmm18, 0);
        if (rows > 1) a.vextractf32x4(__xmmword_ptr[rsi + r11], zmm18, 1);
        if (rows > 2) a.vextractf32x4(__xmmword_ptr[rsi + (r11 * 2)], zmm18, 2);
        if (rows > 3)
        {
            a.lea(r11, __[r11 + (r11 * 2)]);
            a.vextractf32x4(__xmmword_ptr[rsi + r11], zmm18, 3);
        }
    }
}
