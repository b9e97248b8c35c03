using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using HwFlow.Runtime.Native;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HwFlow.Runtime.Kernels;

/// <summary>What a generated slot-dot kernel reads and writes (one pointer argument, so the code needs no stack).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SlotDotArgs
{
    /// <summary>First row's records: per slot pair 16 bytes (activation words, offsets, low factor parts, high factor parts; two 16-bit slots each).</summary>
    public byte* Records;
    public long RecordStride;

    /// <summary>Weights and coefficients, [panel][pair][64 weight words][64 coefficient pairs][64 weight-count pairs, unipolar only] (<see cref="SlotDot"/>).</summary>
    public byte* Weights;
    public long Pairs;

    /// <summary>Sums out: per row, per 64-output panel 64 low sums then 64 high sums (ints); rows <see cref="SumStride"/> bytes apart.</summary>
    public int* Sums;
    public long SumStride;
    public long Panels;

    /// <summary>A row's records as Segments runs of Pairs pairs each; after a run the record pointer moves SegmentSkip bytes more (a convolution's kernel rows in a padded image of records).</summary>
    public long Segments;
    public long SegmentSkip;

    /// <summary>Bytes the weight pointer moves after each segment and after each panel besides the pairs read (a receptive field's padding cells left out).</summary>
    public long WeightSegmentSkip;
    public long WeightPanelSkip;
}

/// <summary>
/// The slot-dot kernels: a binary product in 16-bit slots (a chunk of at most 16 bits, or a
/// 16-bit part of a longer chunk), with the chunk factor and coefficient applied inside the loop.
/// Per slot pair (one 32-bit word of two slots) and block of 16 outputs: XOR with the row's word
/// broadcast, VPOPCNTW (AVX-512 BITALG) for each slot's count, t = pop(w) - count (unipolar, pop(w)
/// stored with the weights; equal to 2 pop(w AND a) - pop(a)) or length - 2 count (bipolar), t * coefficient in 16-bit lanes
/// (VPMULLW; left out when every coefficient is 1), and VPDPWSSD (AVX-512 VNNI) adds t_2i f_2i + t_2i+1 f_2i+1 into 32-bit sums, once
/// with the factors' low parts and once with their high parts. <see cref="SlotDot"/> proves every
/// 16-bit product and 32-bit sum exact before it uses these kernels.
/// </summary>
internal static unsafe class SlotDotCode
{
    public const int MaxRows = 3;
    public const int PanelOutputs = 64;
    public const int RecordBytes = 16;

    /// <summary>
    /// Bytes of one slot pair's weights, coefficients and (unipolar) weight counts in a panel: the unipolar
    /// kernels form t = 2 pop(w AND a) - pop(a) as pop(w) - pop(w XOR a), with pop(w) stored beside the weights,
    /// one subtraction from memory instead of a doubling and a subtraction per slot pair and block.
    /// </summary>
    public static int PairBytes(ActivationCoding coding) => (coding == ActivationCoding.Unipolar ? 3 : 2) * PanelOutputs * sizeof(uint);

    private const int Blocks = 4;

    // kernels[coding][high][coefficients][rows - 1], generated on first use.
    private static readonly Lazy<nint>[][][][] Kernels =
    [
        .. new[] { false, true }.Select(xor => new[] { false, true }.Select(high => new[] { false, true }.Select(coefs =>
            Enumerable.Range(1, RowsPerCall(high)).Select(r => new Lazy<nint>(() => Generate(r, xor, high, coefs))).ToArray()).ToArray()).ToArray()),
    ];

    /// <summary>Whether this CPU runs the kernels: AVX-512 BW, BITALG (VPOPCNTW) and VNNI (VPDPWSSD), and generated code.</summary>
    public static bool Supported { get; } = ExecutableCode.Supported && Avx512BW.IsSupported && X86Base.IsSupported
        && (X86Base.CpuId(7, 0).Ecx & ((1 << 11) | (1 << 12))) == ((1 << 11) | (1 << 12));

    /// <summary>
    /// The kernel for <paramref name="rows"/> rows (1..<see cref="RowsPerCall"/>); without <paramref name="coefs"/> every coefficient is 1
    /// and the signed count goes to the sums as it is (P = 2 count - pop(a), or length - 2 count when bipolar).
    /// </summary>
    public static delegate* unmanaged<SlotDotArgs*, void> Kernel(int rows, ActivationCoding coding, bool high, bool coefs) =>
        (delegate* unmanaged<SlotDotArgs*, void>)Kernels[coding == ActivationCoding.Bipolar ? 1 : 0][high ? 1 : 0][coefs ? 1 : 0][rows - 1].Value;

    /// <summary>
    /// Rows per kernel call: 3, or 2 with a high part. Every row's four record fields stay in registers
    /// for the whole pair (the previous form broadcast them from memory again for each block of 16
    /// outputs: 13 loads per row and pair instead of 4), which leaves registers for two rows' low and high sums.
    /// </summary>
    public static int RowsPerCall(bool high) => high ? 2 : MaxRows;

    private static nint Generate(int rows, bool xor, bool high, bool coefs)
    {
        if (rows > RowsPerCall(high)) throw new ArgumentOutOfRangeException(nameof(rows), $"at most {RowsPerCall(high)} rows per call with high = {high}");
        var z = PopcountCode.Z;
        var a = new Assembler(64);
        var panelLoop = a.CreateLabel();
        var segmentLoop = a.CreateLabel();
        var stepLoop = a.CreateLabel();
        int pairBytes = PairBytes(xor ? ActivationCoding.Bipolar : ActivationCoding.Unipolar);
        // rdi = args; r8 = records of row 0 at the current pair, r9 = record stride, rdx = weights,
        // rsi = sums, r10 = sum stride, rax = pairs left in the segment, r11 = segments left, rcx = panels left.
        // zmm0-11: low sums (row * 4 + block), zmm8-15: high sums (2 rows at most), zmm16 + row * 4 + k:
        // row's record field k broadcast (activation words, offsets, low factors, high factors),
        // zmm27 weight counts (unipolar), zmm28 weights, zmm29 coefficients, zmm30-31: t.
        AssemblerRegisterZMM Low(int r, int b) => z[(r * Blocks) + b];
        AssemblerRegisterZMM HighSum(int r, int b) => z[8 + (r * Blocks) + b];
        AssemblerRegisterZMM Field(int r, int k) => z[16 + (r * 4) + k];
        a.mov(r9, __qword_ptr[rdi + 8]);
        a.mov(rdx, __qword_ptr[rdi + 16]);
        a.mov(rsi, __qword_ptr[rdi + 32]);
        a.mov(r10, __qword_ptr[rdi + 40]);
        a.mov(rcx, __qword_ptr[rdi + 48]);
        a.Label(ref panelLoop);
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < Blocks; b++)
            {
                a.vpxord(Low(r, b), Low(r, b), Low(r, b));
                if (high) a.vpxord(HighSum(r, b), HighSum(r, b), HighSum(r, b));
            }
        }
        a.mov(r8, __qword_ptr[rdi]);
        a.mov(r11, __qword_ptr[rdi + 56]);
        a.Label(ref segmentLoop);
        a.mov(rax, __qword_ptr[rdi + 24]);
        a.Label(ref stepLoop);
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < (high ? 4 : 3); k++)
            {
                if (k == 1 && !xor) continue; // unipolar: pop(a) is not read, the weight counts stand in for it
                a.vpbroadcastd(Field(r, k), __dword_ptr[Row(r) + (4 * k)]);
            }
        }
        for (int b = 0; b < Blocks; b++)
        {
            a.vmovdqu32(z[28], __zmmword_ptr[rdx + (b * 64)]);
            if (coefs) a.vmovdqu32(z[29], __zmmword_ptr[rdx + (PanelOutputs * sizeof(uint)) + (b * 64)]);
            if (!xor) a.vmovdqu32(z[27], __zmmword_ptr[rdx + (2 * PanelOutputs * sizeof(uint)) + (b * 64)]);
            for (int r = 0; r < rows; r++)
            {
                var t = z[30 + (r & 1)];
                a.vpxord(t, z[28], Field(r, 0));
                a.vpopcntw(t, t);
                if (xor)
                {
                    // bipolar: t = length - 2 pop(w XOR a)
                    a.vpaddw(t, t, t);
                    if (coefs)
                    {
                        a.vpsubw(t, t, Field(r, 1));
                        a.vpmullw(t, t, z[29]);
                    }
                    else
                    {
                        a.vpsubw(t, Field(r, 1), t);
                    }
                }
                else
                {
                    // unipolar: t = pop(w) - pop(w XOR a) = 2 pop(w AND a) - pop(a)
                    a.vpsubw(t, z[27], t);
                    if (coefs) a.vpmullw(t, t, z[29]);
                }
                a.vpdpwssd(Low(r, b), t, Field(r, 2));
                if (high) a.vpdpwssd(HighSum(r, b), t, Field(r, 3));
            }
        }
        a.add(r8, RecordBytes);
        a.add(rdx, pairBytes);
        a.dec(rax);
        a.jnz(stepLoop);
        a.add(r8, __qword_ptr[rdi + 64]);
        a.add(rdx, __qword_ptr[rdi + 72]);
        a.dec(r11);
        a.jnz(segmentLoop);
        for (int r = 0; r < rows; r++)
        {
            var row = r switch { 0 => __[rsi], 1 => __[rsi + r10], _ => __[rsi + (r10 * 2)] };
            for (int b = 0; b < Blocks; b++)
            {
                a.vmovdqu32(__zmmword_ptr[row + (b * 64)], Low(r, b));
                if (high) a.vmovdqu32(__zmmword_ptr[row + (PanelOutputs * sizeof(int)) + (b * 64)], HighSum(r, b));
            }
        }
        a.add(rsi, 2 * PanelOutputs * sizeof(int));
        a.add(rdx, __qword_ptr[rdi + 80]);
        a.dec(rcx);
        a.jnz(panelLoop);
        a.vzeroupper();
        a.ret();
        return ExecutableCode.Place(a);
    }

    /// <summary>Row <paramref name="row"/>'s record at the current pair.</summary>
    private static AssemblerMemoryOperand Row(int row) => row switch
    {
        0 => __[r8],
        1 => __[r8 + r9],
        _ => __[r8 + (r9 * 2)],
    };
}
