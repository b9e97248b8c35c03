using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// A first convolution (one input channel, stride 1) and its 2x2 stride-2 max-pool, channel-major:
/// a vector holds 16 pool windows of one pool row, so an output channel's sums for them are one
/// chain of VPMADDWD against that channel's (w_2m, w_2m+1) pair broadcast, and the four positions
/// of each window (the four phases: row and column parity) are four such chains, maxed (or, on a
/// channel whose post op points down, minned) lane by lane. The inputs a phase and tap read for
/// the 16 windows are 16 consecutive 16-bit values of one of the image's two column-parity planes
/// (the padded image split into even and odd columns), so no per-position gather is needed. The
/// pooled sums are then transposed 16 x 16 back to channels-last. Used only where the per-position
/// form (<see cref="PairDenseWeights"/>) is exact: inputs and weights in 16 bits and
/// |bias| + sum |w| max|x| in 31 bits, so no partial sum overflows; same values as the golden kernel.
/// Where the CPU has AVX-512 VNNI and the kernel has at most 5 tap pairs, the chains run as generated code
/// (<see cref="PlaneChainCode"/>: the inputs in registers, VPDPWSSD), else as the C# chains below.
/// </summary>
internal sealed unsafe class PlanePooledDense
{
    private const int Lanes = 16;

    private readonly int _outputs;
    private readonly int _kernelWidth;
    private readonly int _taps;
    private readonly int _pairs;
    private readonly int _height;
    private readonly int _width;
    private readonly int _padding;
    private readonly int _poolRows;
    private readonly int _poolColumns;
    private readonly int _columnBlocks;
    private readonly int _planeWidth;
    private readonly int _planeRows;

    /// <summary>[pair][output]: (w_2m,j, w_2m+1,j) in every 32-bit lane.</summary>
    private readonly Vector512<short>[] _weights;
    private readonly Vector512<int>[] _bias;

    /// <summary>Per output, all ones where the pool takes the min (the post op is non-increasing there).</summary>
    private readonly Vector512<int>[] _down;
    private readonly ThreadLocal<short[]> _planes;
    private readonly bool _generated;
    private readonly ThreadLocal<AlignedBuffer<int>> _pooledAll;

    private PlanePooledDense(Node dense, WindowGeometry g, WindowGeometry pool, long[]? down)
    {
        var weights = dense.IntTensor("weights");
        _outputs = weights.Shape[1];
        (_kernelWidth, _taps) = (g.KernelWidth, g.KernelHeight * g.KernelWidth);
        _pairs = (_taps + 1) / 2;
        (_height, _width, _padding) = (g.Height, g.Width, g.Padding);
        (_poolRows, _poolColumns) = (pool.OutHeight, pool.OutWidth);
        _columnBlocks = (_poolColumns + Lanes - 1) / Lanes;
        // a phase reads columns 2 qx + b + dx: plane (b + dx) & 1 at qx + (b + dx) / 2, 16 at a time
        _planeWidth = Math.Max((_columnBlocks * Lanes) + ((1 + g.KernelWidth) / 2), (g.Width + (2 * g.Padding) + 1) / 2);
        _planeRows = g.Height + (2 * g.Padding);
        _weights = new Vector512<short>[_pairs * _outputs];
        for (int m = 0; m < _pairs; m++)
        {
            for (int j = 0; j < _outputs; j++)
            {
                short w0 = (short)weights[2 * m, j], w1 = (2 * m) + 1 < _taps ? (short)weights[(2 * m) + 1, j] : (short)0;
                _weights[(m * _outputs) + j] = Vector512.Create((int)(ushort)w0 | (w1 << 16)).AsInt16();
            }
        }
        _bias = [.. Enumerable.Range(0, _outputs).Select(j => Vector512.Create((int)dense.IntElement("bias", j)))];
        _down = [.. Enumerable.Range(0, _outputs).Select(j => Vector512.Create(down is not null && down[j] < 0 ? -1 : 0))];
        _planes = new ThreadLocal<short[]>(() => new short[2 * _planeRows * _planeWidth]);
        _generated = PlaneChainCode.Supported && _pairs <= PlaneChainCode.MaxPairs;
        _pooledAll = new ThreadLocal<AlignedBuffer<int>>(() => new AlignedBuffer<int>(_outputs * Lanes));
    }

    /// <summary>
    /// The kernel for a dense block's convolution and pool, or null when the CPU lacks AVX-512 BW or
    /// the block is not one input channel at stride 1 with 16-bit inputs and weights, a multiple of 16
    /// outputs, provably 32-bit sums, and a 2x2 stride-2 pool whose windows all lie inside the grid.
    /// </summary>
    public static PlanePooledDense? Create(ConvBlock block, long[]? down)
    {
        if (!Avx512BW.IsSupported || block.Pool is not { } poolNode || block.Dot.Op != Ops.Dense) return null;
        var g = block.Geometry;
        var pool = WindowAttrs.Geometry(poolNode);
        if (g.Channels != 1 || g.Stride != 1 || block.Outputs % Lanes != 0) return null;
        if (pool.KernelHeight != 2 || pool.KernelWidth != 2 || pool.Stride != 2 || pool.Padding != 0 || pool.Channels != block.Outputs
            || pool.Height != g.OutHeight || pool.Width != g.OutWidth || 2 * pool.OutHeight > g.OutHeight || 2 * pool.OutWidth > g.OutWidth)
            return null;
        if (!PairDenseWeights.Fits(block.Dot, block.Window.Type) || !DenseWeights.Fits32(block.Dot, block.Window.Type)) return null;
        return new PlanePooledDense(block.Dot, g, pool, down);
    }

    /// <summary>The pooled sums of image <paramref name="x"/> (channels-last, 64-bit) into <paramref name="pooled"/>.</summary>
    public void Run(ReadOnlySpan<long> x, Span<long> pooled)
    {
        var planes = _planes.Value!;
        int half = _planeRows * _planeWidth;
        // the image's pixels into the planes; the padding cells stay 0 from the allocation
        for (int y = 0; y < _height; y++)
        {
            int row = (y + _padding) * _planeWidth;
            for (int col = 0; col < _width; col++)
            {
                int c = col + _padding;
                planes[((c & 1) * half) + row + (c >> 1)] = (short)x[(y * _width) + col];
            }
        }
        int phases = 4 * _pairs;
        Vector512<short>* inputs = stackalloc Vector512<short>[phases];
        Vector512<int>* block = stackalloc Vector512<int>[Lanes];
        // the generated chains where the CPU has them: every output's pooled sums at once, then transposed 16 at a time
        Vector512<int>* pooledAll = _generated ? (Vector512<int>*)_pooledAll.Value!.Pointer : null;
        fixed (short* plane = planes)
        fixed (Vector512<short>* weights = _weights)
        fixed (Vector512<int>* bias = _bias)
        fixed (Vector512<int>* down = _down)
        fixed (long* target = pooled)
        {
            for (int qy = 0; qy < _poolRows; qy++)
            {
                for (int cb = 0; cb < _columnBlocks; cb++)
                {
                    for (int phase = 0; phase < 4; phase++)
                    {
                        int a = phase >> 1, b = phase & 1;
                        for (int m = 0; m < _pairs; m++)
                        {
                            var low = Tap(plane, half, qy, cb, a, b, 2 * m);
                            var high = (2 * m) + 1 < _taps ? Tap(plane, half, qy, cb, a, b, (2 * m) + 1) : default;
                            inputs[(phase * _pairs) + m] = (Avx512BW.ConvertToVector512Int32(low.AsUInt16()) | Avx512F.ShiftLeftLogical(Avx512BW.ConvertToVector512Int32(high), 16)).AsInt16();
                        }
                    }
                    if (pooledAll is not null)
                    {
                        var args = new PlaneChainArgs { Inputs = inputs, Weights = weights, Bias = bias, Down = down, Pooled = pooledAll, Outputs = _outputs };
                        PlaneChainCode.Kernel(_pairs)(&args);
                    }
                    for (int j0 = 0; j0 < _outputs; j0 += Lanes)
                    {
                        var rows = pooledAll is null ? block : pooledAll + j0;
                        for (int l = 0; l < Lanes && pooledAll is null; l++)
                        {
                            int j = j0 + l;
                            var best = Chain(inputs, weights + j, bias[j]);
                            var up = best;
                            var mask = down[j];
                            for (int phase = 1; phase < 4; phase++)
                            {
                                var sums = Chain(inputs + (phase * _pairs), weights + j, bias[j]);
                                up = Vector512.Max(up, sums);
                                best = Vector512.Min(best, sums);
                            }
                            block[l] = Vector512.ConditionalSelect(mask, best, up);
                        }
                        Transpose(rows);
                        int windows = Math.Min(Lanes, _poolColumns - (cb * Lanes));
                        long* to = target + (((long)qy * _poolColumns) + (cb * Lanes)) * _outputs + j0;
                        for (int w = 0; w < windows; w++)
                        {
                            Avx512F.ConvertToVector512Int64(rows[w].GetLower()).Store(to);
                            Avx512F.ConvertToVector512Int64(rows[w].GetUpper()).Store(to + 8);
                            to += _outputs;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Tap t's input for phase (a, b) of the 16 windows of pool row qy, column block cb.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<short> Tap(short* plane, int half, int qy, int cb, int a, int b, int t)
    {
        int dy = t / _kernelWidth, dx = t % _kernelWidth, s = b + dx;
        return Vector256.Load(plane + ((s & 1) * half) + ((((2 * qy) + a + dy) * _planeWidth) + (cb * Lanes) + (s >> 1)));
    }

    /// <summary>bias + sum over pairs of VPMADDWD(input pair, weight pair): one output's sums for 16 windows at one phase.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<int> Chain(Vector512<short>* inputs, Vector512<short>* weights, Vector512<int> bias)
    {
        var sum = bias;
        for (int m = 0; m < _pairs; m++) sum += Avx512BW.MultiplyAddAdjacent(inputs[m], weights[(long)m * _outputs]);
        return sum;
    }

    /// <summary>In-place 16 x 16 transpose of 32-bit elements: rows become lanes (swapping the off-diagonal blocks of 8, 4, 2, 1).</summary>
    private static void Transpose(Vector512<int>* rows)
    {
        for (int stage = 0; stage < 4; stage++)
        {
            int h = 8 >> stage;
            var first = TopIndices[stage];
            var second = BottomIndices[stage];
            for (int i = 0; i < Lanes; i++)
            {
                if ((i & h) != 0) continue;
                var top = rows[i];
                var bottom = rows[i + h];
                rows[i] = Avx512F.PermuteVar16x32x2(top, first, bottom);
                rows[i + h] = Avx512F.PermuteVar16x32x2(top, second, bottom);
            }
        }
    }

    private static readonly Vector512<int>[] TopIndices = [.. Enumerable.Range(0, 4).Select(stage => Indices(8 >> stage, false))];
    private static readonly Vector512<int>[] BottomIndices = [.. Enumerable.Range(0, 4).Select(stage => Indices(8 >> stage, true))];

    /// <summary>
    /// Permute indices of one transpose stage: the top row keeps its lanes l with (l &amp; h) = 0 and takes the
    /// bottom row's lane l - h elsewhere; the bottom row takes the top's lane l + h where (l &amp; h) = 0 and keeps its own elsewhere.
    /// </summary>
    private static Vector512<int> Indices(int h, bool bottom)
    {
        var index = new int[Lanes];
        for (int l = 0; l < Lanes; l++)
            index[l] = (l & h) == 0 ? (bottom ? l + h : l) : (bottom ? Lanes + l : Lanes + l - h);
        return Vector512.Create<int>(index);
    }
}
