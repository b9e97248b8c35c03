using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>
/// The forward product of an HBNN layer from bits: unipolar hb inputs (each chunk's values are
/// 0 or its scale a) times hb weights (each output's chunk is +-its scale w). Chunk c of a row
/// then adds a * w * (#(u and s) - #(u and not s)) = a * w * (2 popcount(u &amp; s) - popcount(u)),
/// u the chunk's input bits (x &gt; 0) and s its weight bits (+1): one popcount, one multiply
/// and one fused multiply-add per chunk and output instead of a multiply-add per value (36
/// instead of 576 for fmnist-hbnn-cnn's BinConv2D at --bin-agg 16). Chunks are added in
/// ascending order, each output on its own (vector lanes are outputs), so the bytes do not
/// depend on the vector width, the thread count or the machine; a chunk without input bits adds
/// nothing and is skipped. The sum is the GEMM's up to its order of rounding.
/// </summary>
internal static class PackedHadamardProduct
{
    /// <summary>The longest chunk a mask holds.</summary>
    public const int LongestChunk = 32;

    /// <summary>masks[r * chunks + c] = bits of row r's chunk c where x &gt; 0 (a chunk's last may be short).</summary>
    public static void PackPositive(float[] x, uint[] masks, int rows, int columns, int chunk)
    {
        int chunks = HadamardRows.ChunksPerRow(columns, chunk);
        Blocks.For(rows, (first, end) =>
        {
            for (int r = first; r < end; r++)
            {
                for (int c = 0; c < chunks; c++)
                {
                    int start = (r * columns) + (c * chunk);
                    masks[(r * chunks) + c] = Bits(x.AsSpan(start, Math.Min(chunk, columns - (c * chunk))), positive: true);
                }
            }
        }, least: Math.Max(1, Blocks.Smallest / columns));
    }

    /// <summary>Bit i set where x[i] &gt; 0 (<paramref name="positive"/>) or where x[i] is not negative.</summary>
    internal static uint Bits(ReadOnlySpan<float> x, bool positive)
    {
        uint bits = 0;
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.Create(x[i..]);
            var set = positive ? Vector256.GreaterThan(v, Vector256<float>.Zero) : ~Vector256.LessThan(v, Vector256<float>.Zero);
            bits |= set.ExtractMostSignificantBits() << i;
        }
        for (; i < x.Length; i++)
        {
            if (positive ? x[i] > 0 : !(x[i] < 0)) bits |= 1u << i;
        }
        return bits;
    }

    /// <summary>
    /// y[r] (+ bias) for rows of packed inputs, [rows, chunks] masks and the hb scales of the same
    /// layout (a dense layer's input matrix).
    /// </summary>
    public static void Dense(uint[] masks, float[] scales, int rows, PackedHbWeights w, float[]? bias, float[] y)
    {
        int chunks = w.Chunks;
        Blocks.For(rows, (first, end) =>
        {
            var index = new int[chunks];
            var bits = new uint[chunks];
            var scale = new float[chunks];
            for (int r = first; r < end; r++)
            {
                int n = 0;
                for (int c = 0; c < chunks; c++)
                {
                    uint u = masks[(r * chunks) + c];
                    if (u == 0) continue;
                    (index[n], bits[n], scale[n]) = (c, u, scales[(r * chunks) + c]);
                    n++;
                }
                Row(index.AsSpan(0, n), bits, scale, w, bias, y.AsSpan(r * w.Outputs, w.Outputs));
            }
        }, least: Math.Max(1, (1 << 12) / (chunks + 1)));
    }

    /// <summary>
    /// A convolution's forward product from a map binarized per pixel: masks and scales
    /// [pixel, chunksPerPixel] (the pixel's channels in chunks), a receptive field's chunk c is
    /// tap c / chunksPerPixel's pixel chunk c % chunksPerPixel (channels fastest, as im2col lays
    /// them out); padding adds nothing.
    /// </summary>
    public static void Convolution(WindowGeometry g, uint[] masks, float[] scales, int chunksPerPixel, PackedHbWeights w, float[]? bias, float[] y, int images)
    {
        int taps = g.KernelHeight * g.KernelWidth;
        if (taps * chunksPerPixel != w.Chunks) throw new ArgumentException($"{taps} taps of {chunksPerPixel} chunks, the weights have {w.Chunks}");
        Parallel.For(0, images, image =>
        {
            var index = new int[w.Chunks];
            var bits = new uint[w.Chunks];
            var scale = new float[w.Chunks];
            int imagePixels = image * g.Height * g.Width;
            for (int p = 0; p < g.Positions; p++)
            {
                int oy = p / g.OutWidth, ox = p % g.OutWidth, n = 0;
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int yy = (oy * g.Stride) - g.Padding + ky;
                    if (yy < 0 || yy >= g.Height) continue;
                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int xx = (ox * g.Stride) - g.Padding + kx;
                        if (xx < 0 || xx >= g.Width) continue;
                        int pixel = (imagePixels + (yy * g.Width) + xx) * chunksPerPixel;
                        int tap = ((ky * g.KernelWidth) + kx) * chunksPerPixel;
                        for (int j = 0; j < chunksPerPixel; j++)
                        {
                            uint u = masks[pixel + j];
                            if (u == 0) continue;
                            (index[n], bits[n], scale[n]) = (tap + j, u, scales[pixel + j]);
                            n++;
                        }
                    }
                }
                Row(index.AsSpan(0, n), bits, scale, w, bias, y.AsSpan(((image * g.Positions) + p) * w.Outputs, w.Outputs));
            }
        });
    }

    /// <summary>One row: y[o] = sum over the listed chunks, in list order, of a * (w[c, o] * count) (+ bias[o]).</summary>
    private static void Row(ReadOnlySpan<int> index, uint[] bits, float[] scale, PackedHbWeights w, float[]? bias, Span<float> y)
    {
        int outputs = w.Outputs, o = 0;
        if (Avx2.IsSupported && Fma.IsSupported)
        {
            var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            for (; o <= outputs - (4 * 8); o += 4 * 8)
            {
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                for (int i = 0; i < index.Length; i++)
                {
                    var u = Vector256.Create(bits[i]);
                    var minus = Vector256.Create(-BitOperations.PopCount(bits[i]));
                    var a = Vector256.Create(scale[i]);
                    int at = (index[i] * outputs) + o;
                    s0 = Fma.MultiplyAdd(Term(w, at, u, minus, table), a, s0);
                    s1 = Fma.MultiplyAdd(Term(w, at + 8, u, minus, table), a, s1);
                    s2 = Fma.MultiplyAdd(Term(w, at + 16, u, minus, table), a, s2);
                    s3 = Fma.MultiplyAdd(Term(w, at + 24, u, minus, table), a, s3);
                }
                Store(s0, bias, o, y);
                Store(s1, bias, o + 8, y);
                Store(s2, bias, o + 16, y);
                Store(s3, bias, o + 24, y);
            }
            for (; o <= outputs - 8; o += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int i = 0; i < index.Length; i++)
                {
                    var term = Term(w, (index[i] * outputs) + o, Vector256.Create(bits[i]), Vector256.Create(-BitOperations.PopCount(bits[i])), table);
                    sum = Fma.MultiplyAdd(term, Vector256.Create(scale[i]), sum);
                }
                Store(sum, bias, o, y);
            }
        }
        for (; o < outputs; o++)
        {
            float sum = 0f;
            for (int i = 0; i < index.Length; i++)
            {
                int at = (index[i] * outputs) + o;
                int count = (2 * BitOperations.PopCount(bits[i] & w.Masks[at])) - BitOperations.PopCount(bits[i]);
                sum = MathF.FusedMultiplyAdd(count * w.Scales[at], scale[i], sum);
            }
            y[o] = bias is null ? sum : sum + bias[o];
        }
    }

    /// <summary>w[c, o..o+7] * (2 popcount(u &amp; s) - popcount(u)): popcount by nibble lookup, the bytes summed by a widening multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Term(PackedHbWeights w, int at, Vector256<uint> u, Vector256<int> minus, Vector256<byte> table)
    {
        var v = (Vector256.Create(w.Masks.AsSpan(at, 8)) & u).AsByte();
        var nibble = Vector256.Create((byte)0x0F);
        var bytes = Avx2.Shuffle(table, v & nibble) + Avx2.Shuffle(table, Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & nibble);
        var count = AvxVnni.IsSupported
            ? AvxVnni.MultiplyWideningAndAdd(minus, bytes, Vector256.Create((sbyte)2))
            : minus + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(bytes, Vector256.Create((sbyte)2)), Vector256.Create((short)1));
        return Avx.ConvertToVector256Single(count) * Vector256.Create(w.Scales.AsSpan(at, 8));
    }

    private static void Store(Vector256<float> sum, float[]? bias, int o, Span<float> y) =>
        (bias is null ? sum : sum + Vector256.Create(bias.AsSpan(o, 8))).CopyTo(y[o..]);
}

/// <summary>
/// hb weights as bits: [chunk, output] masks (bit set where the weight is +its scale) and
/// scales, so that one chunk's weights for consecutive outputs are one vector.
/// </summary>
internal sealed class PackedHbWeights(int outputs, int chunks)
{
    public int Outputs { get; } = outputs;
    public int Chunks { get; } = chunks;
    public uint[] Masks { get; } = new uint[outputs * chunks];
    public float[] Scales { get; } = new float[outputs * chunks];

    /// <summary>
    /// From a dense layer's effective weights [outputs, inputs] (hb of each output's row): every
    /// value of a chunk is +-its scale, so the scale is the magnitude of the chunk's first value.
    /// </summary>
    public void Pack(float[] effective, int inputs, int chunk)
    {
        if (chunk > PackedHadamardProduct.LongestChunk) throw new ArgumentException($"chunks of {chunk} do not fit a mask");
        for (int o = 0; o < Outputs; o++)
        {
            for (int c = 0; c < Chunks; c++)
            {
                int start = (o * inputs) + (c * chunk);
                var values = effective.AsSpan(start, Math.Min(chunk, inputs - (c * chunk)));
                Masks[(c * Outputs) + o] = PackedHadamardProduct.Bits(values, positive: false);
                Scales[(c * Outputs) + o] = Math.Abs(values[0]);
            }
        }
    }
}
