using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Native;
using HwFlow.Runtime.Semantics;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HwFlow.Runtime.Kernels;

/// <summary>What a generated pooled first-convolution kernel reads and writes (<see cref="PooledRowPairCode"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PooledRowPairArgs
{
    /// <summary>The padded image as 16-bit values, <see cref="PooledRowPairCode"/>'s frame layout.</summary>
    public short* Frame;

    /// <summary>[pair][block]: per output of the block, (w_dy,2px, w_dy,2px+1) in its 32-bit lane.</summary>
    public void* Weights;
    public int* Bias;

    /// <summary>The pool's starting value per lane: 0 when a relu is fused, int.MinValue otherwise.</summary>
    public int* Floor;

    /// <summary>Out: per pool window, its outputs as 64-bit values, windows in row-major order.</summary>
    public long* Pooled;
}

/// <summary>
/// A first convolution (one input channel, stride 1) and its 2x2 stride-2 max-pool, channels-last, as
/// generated code: every weight stays in a register for the whole image (per kernel row, its taps in
/// horizontally adjacent pairs, the last tap of an odd row paired with a zero weight), so each tap pair of
/// a position is one VPDPWSSD whose input is a 32-bit broadcast straight from the padded 16-bit image
/// (the two taps are neighbours in memory; a zero weight's partner is whatever follows, times 0). Per
/// pool window, the four positions' sums are formed in registers and maxed into the window's result,
/// which starts at the floor (0 when the block's first post op is a relu: relu(max) = max(0, ...)); then
/// widened to 64 bits and stored. No plane build, no transpose, no output grid. Used only where the
/// per-position pair form is exact (16-bit inputs and weights, |bias| + sum |w| max|x| in 31 bits: no
/// partial sum overflows, and VPDPWSSD wraps as VPMADDWD + VPADDD would), so the values are the golden
/// kernel's.
/// </summary>
internal sealed unsafe class PooledRowPairCode
{
    private const int Lanes = 16;

    private readonly int _blocks;
    private readonly int _rowPairs;
    private readonly int _kernelHeight;
    private readonly int _height;
    private readonly int _width;
    private readonly int _padding;
    private readonly int _poolRows;
    private readonly int _poolColumns;
    private readonly AlignedBuffer<int> _weights;
    private readonly AlignedBuffer<int> _bias;
    private readonly AlignedBuffer<int> _floor;
    private readonly ThreadLocal<AlignedBuffer<short>> _frames;
    private readonly nint _code;

    private PooledRowPairCode(Node dense, WindowGeometry g, WindowGeometry pool, bool relu)
    {
        var weights = dense.IntTensor("weights");
        int outputs = weights.Shape[1];
        _blocks = outputs / Lanes;
        _kernelHeight = g.KernelHeight;
        _rowPairs = (g.KernelWidth + 1) / 2;
        (_height, _width, _padding) = (g.Height, g.Width, g.Padding);
        (_poolRows, _poolColumns) = (pool.OutHeight, pool.OutWidth);
        FrameWidth = g.Width + (2 * g.Padding) + 1;
        int pairs = _kernelHeight * _rowPairs;
        _weights = new AlignedBuffer<int>(pairs * outputs);
        var w = _weights.Span;
        for (int dy = 0; dy < _kernelHeight; dy++)
        {
            for (int px = 0; px < _rowPairs; px++)
            {
                int pair = (dy * _rowPairs) + px, t0 = (dy * g.KernelWidth) + (2 * px);
                for (int j = 0; j < outputs; j++)
                {
                    int w0 = (ushort)(short)weights[t0, j];
                    int w1 = (2 * px) + 1 < g.KernelWidth ? (ushort)(short)weights[t0 + 1, j] : 0;
                    w[(pair * outputs) + j] = w0 | (w1 << 16);
                }
            }
        }
        _bias = new AlignedBuffer<int>(outputs);
        for (int j = 0; j < outputs; j++) _bias.Span[j] = (int)dense.IntElement("bias", j);
        _floor = new AlignedBuffer<int>(Lanes);
        _floor.Span.Fill(relu ? 0 : int.MinValue);
        // rows of the padded image, one spare column (an odd row's last pair reads past its end) and one spare row
        int frameLength = (g.Height + (2 * g.Padding) + 1) * FrameWidth;
        _frames = new ThreadLocal<AlignedBuffer<short>>(() => new AlignedBuffer<short>(frameLength));
        _code = Generate();
    }

    /// <summary>Shorts per row of the padded frame.</summary>
    public int FrameWidth { get; }

    /// <summary>Whether this CPU runs the kernel: AVX-512 BW and VNNI, and generated code.</summary>
    public static bool Supported { get; } = ExecutableCode.Supported && Avx512BW.IsSupported && X86Base.IsSupported
        && (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;

    /// <summary>
    /// The kernel for a dense block's convolution and max-pool, or null: the CPU lacks it, or the block is not one input
    /// channel at stride 1 with a 2x2 stride-2 pool inside the grid, 16 to 64 outputs in whole vectors, weights that fit
    /// the registers, and the pair form proven exact. <paramref name="relu"/>: the pool starts at 0 (the caller drops its relu).
    /// </summary>
    public static PooledRowPairCode? Create(ConvBlock block, bool relu)
    {
        if (!Supported || block.Pool is not { } poolNode || block.Dot.Op != Ops.Dense) return null;
        var g = block.Geometry;
        var pool = WindowAttrs.Geometry(poolNode);
        if (g.Channels != 1 || g.Stride != 1 || block.Outputs % Lanes != 0 || block.Outputs > 4 * Lanes) return null;
        if (pool.KernelHeight != 2 || pool.KernelWidth != 2 || pool.Stride != 2 || pool.Padding != 0 || pool.Channels != block.Outputs
            || pool.Height != g.OutHeight || pool.Width != g.OutWidth || 2 * pool.OutHeight > g.OutHeight || 2 * pool.OutWidth > g.OutWidth)
            return null;
        int blocks = block.Outputs / Lanes, pairs = g.KernelHeight * ((g.KernelWidth + 1) / 2);
        if ((pairs * blocks) + (2 * blocks) > 32) return null;
        if (!PairDenseWeights.Fits(block.Dot, block.Window.Type) || !DenseWeights.Fits32(block.Dot, block.Window.Type)) return null;
        return new PooledRowPairCode(block.Dot, g, pool, relu);
    }

    /// <summary>The pooled sums of image <paramref name="x"/> (one channel, 64-bit) into <paramref name="pooled"/> (channels-last).</summary>
    public void Run(ReadOnlySpan<long> x, Span<long> pooled)
    {
        var buffer = _frames.Value!;
        var frame = buffer.Span;
        // the padding cells and the spare column and row stay 0 from the allocation (only the pixels are written)
        for (int y = 0; y < _height; y++)
        {
            var row = frame.Slice(((y + _padding) * FrameWidth) + _padding, _width);
            var from = x.Slice(y * _width, _width);
            for (int i = 0; i < _width; i++) row[i] = (short)from[i];
        }
        fixed (long* target = pooled)
        {
            var args = new PooledRowPairArgs { Frame = buffer.Pointer, Weights = _weights.Pointer, Bias = _bias.Pointer, Floor = _floor.Pointer, Pooled = target };
            ((delegate* unmanaged<PooledRowPairArgs*, void>)_code)(&args);
        }
    }

    /// <summary>ymm0-31 by number (the low halves of <see cref="PopcountCode.Z"/>).</summary>
    private static readonly AssemblerRegisterYMM[] Y =
    [
        ymm0, ymm1, ymm2, ymm3, ymm4, ymm5, ymm6, ymm7, ymm8, ymm9, ymm10, ymm11, ymm12, ymm13, ymm14, ymm15,
        ymm16, ymm17, ymm18, ymm19, ymm20, ymm21, ymm22, ymm23, ymm24, ymm25, ymm26, ymm27, ymm28, ymm29, ymm30, ymm31,
    ];

    private nint Generate()
    {
        var z = PopcountCode.Z;
        var a = new Assembler(64);
        var rowLoop = a.CreateLabel();
        var columnLoop = a.CreateLabel();
        int pairs = _kernelHeight * _rowPairs, outputs = _blocks * Lanes;
        // zmm[pair * blocks + b]: weights; then blocks accumulators, then blocks pool results.
        // r8 = the current window's top-left position in the frame, r9 = the pool row's first window,
        // r10 = bias, r11 = floor, rsi = pooled, rcx = windows left in the row, rdx = pool rows left.
        AssemblerRegisterZMM Weight(int pair, int b) => z[(pair * _blocks) + b];
        AssemblerRegisterZMM Sum(int b) => z[(pairs * _blocks) + b];
        AssemblerRegisterZMM Best(int b) => z[((pairs + 1) * _blocks) + b];
        AssemblerRegisterYMM BestLow(int b) => Y[((pairs + 1) * _blocks) + b];
        a.mov(rax, __qword_ptr[rdi + 8]);
        for (int m = 0; m < pairs; m++)
        {
            for (int b = 0; b < _blocks; b++) a.vmovdqu32(Weight(m, b), __zmmword_ptr[rax + (((m * outputs) + (b * Lanes)) * 4)]);
        }
        a.mov(r9, __qword_ptr[rdi]);
        a.mov(r10, __qword_ptr[rdi + 16]);
        a.mov(r11, __qword_ptr[rdi + 24]);
        a.mov(rsi, __qword_ptr[rdi + 32]);
        a.mov(rdx, _poolRows);
        a.Label(ref rowLoop);
        a.mov(r8, r9);
        a.mov(rcx, _poolColumns);
        a.Label(ref columnLoop);
        for (int b = 0; b < _blocks; b++) a.vmovdqu32(Best(b), __zmmword_ptr[r11]);
        for (int phase = 0; phase < 4; phase++)
        {
            int dyPhase = phase >> 1, dxPhase = phase & 1;
            for (int b = 0; b < _blocks; b++) a.vmovdqu32(Sum(b), __zmmword_ptr[r10 + (b * 64)]);
            for (int dy = 0; dy < _kernelHeight; dy++)
            {
                for (int px = 0; px < _rowPairs; px++)
                {
                    int offset = ((((dyPhase + dy) * FrameWidth) + dxPhase + (2 * px)) * sizeof(short));
                    for (int b = 0; b < _blocks; b++) a.vpdpwssd(Sum(b), Weight((dy * _rowPairs) + px, b), __dword_bcst[r8 + offset]);
                }
            }
            for (int b = 0; b < _blocks; b++) a.vpmaxsd(Best(b), Best(b), Sum(b));
        }
        // widen to 64 bits (the sums' registers are free until the next window)
        for (int b = 0; b < _blocks; b++)
        {
            a.vpmovsxdq(Sum(b), BestLow(b));
            a.vmovdqu64(__zmmword_ptr[rsi + (b * 128)], Sum(b));
            a.vextracti32x8(BestLow(b), Best(b), 1);
            a.vpmovsxdq(Sum(b), BestLow(b));
            a.vmovdqu64(__zmmword_ptr[rsi + (b * 128) + 64], Sum(b));
        }
        a.add(rsi, outputs * sizeof(long));
        a.add(r8, 2 * sizeof(short));
        a.dec(rcx);
        a.jnz(columnLoop);
        a.add(r9, 2 * FrameWidth * sizeof(short));
        a.dec(rdx);
        a.jnz(rowLoop);
        a.vzeroupper();
        a.ret();
        return ExecutableCode.Place(a);
    }
}
