using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// <summary>The longest chunk a half mask holds (two chunks share a 32-bit popcount).</summary>
    public const int LongestChunk = 16;

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
        int chunks = HadamardRows.ChunksPerRow(w.Inputs, w.Chunk);
        Blocks.For(rows, (first, end) =>
        {
            var row = new RowChunks(w.Pairs);
            for (int r = first; r < end; r++)
            {
                row.Clear();
                for (int c = 0; c < chunks; c++) row.Set(c, masks[(r * chunks) + c], scales[(r * chunks) + c]);
                Row(row, w, bias, y.AsSpan(r * w.Outputs, w.Outputs));
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
        if (taps * chunksPerPixel * w.Chunk != w.Inputs) throw new ArgumentException($"{taps} taps of {chunksPerPixel} chunks, the weights have {w.Inputs} inputs");
        Parallel.For(0, images, image =>
        {
            var row = new RowChunks(w.Pairs);
            int imagePixels = image * g.Height * g.Width;
            for (int p = 0; p < g.Positions; p++)
            {
                int oy = p / g.OutWidth, ox = p % g.OutWidth;
                row.Clear();
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
                        for (int j = 0; j < chunksPerPixel; j++) row.Set(tap + j, masks[pixel + j], scales[pixel + j]);
                    }
                }
                Row(row, w, bias, y.AsSpan(((image * g.Positions) + p) * w.Outputs, w.Outputs));
            }
        });
    }

    /// <summary>
    /// One row's chunks in pairs (chunk 2q in the low 16 bits of pair q's mask, 2q + 1 in the high
    /// ones), so that one popcount of 32 bits serves two chunks; a pair without input bits is skipped.
    /// </summary>
    private sealed class RowChunks(int pairs)
    {
        public readonly uint[] Bits = new uint[pairs];
        public readonly float[] Scales = new float[2 * pairs];
        public readonly int[] Pairs = new int[pairs];

        public void Clear() => Bits.AsSpan().Clear();

        public void Set(int chunk, uint mask, float scale)
        {
            Bits[chunk >> 1] |= mask << (16 * (chunk & 1));
            Scales[chunk] = scale;
        }

        /// <summary>The pairs with input bits, in ascending order, into <see cref="Pairs"/>; their count.</summary>
        public int Listed()
        {
            int n = 0;
            for (int q = 0; q < Bits.Length; q++)
            {
                if (Bits[q] != 0) Pairs[n++] = q;
            }
            return n;
        }
    }

    /// <summary>One row: y[o] = sum over the chunks with input bits, in ascending order, of a * (w[c, o] * count) (+ bias[o]).</summary>
    private static void Row(RowChunks row, PackedHbWeights w, float[]? bias, Span<float> y)
    {
        int outputs = w.Outputs, o = 0, n = row.Listed();
        var pairs = row.Pairs;
        var bits = row.Bits;
        var scales = row.Scales;
        if (Avx2.IsSupported && Fma.IsSupported)
        {
            ref uint masks = ref MemoryMarshal.GetArrayDataReference(w.Masks);
            ref float weightScales = ref MemoryMarshal.GetArrayDataReference(w.Scales);
            // the nibble popcount table and the byte weights that sum each half of a 32-bit lane
            var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            var nibble = Vector256.Create((byte)0x0F);
            var low = Vector256.Create(0x0000_0202).AsSByte();
            var high = Vector256.Create(0x0202_0000).AsSByte();
            for (; o <= outputs - (4 * 8); o += 4 * 8)
            {
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                for (int i = 0; i < n; i++)
                {
                    int q = pairs[i];
                    var p = new Pair(bits[q], scales[2 * q], scales[(2 * q) + 1]);
                    nuint m = (nuint)((q * outputs) + o), at = (nuint)((2 * q * outputs) + o), next = at + (nuint)outputs;
                    s0 = p.Add(table, nibble, low, high, Vector256.LoadUnsafe(ref masks, m), Vector256.LoadUnsafe(ref weightScales, at), Vector256.LoadUnsafe(ref weightScales, next), s0);
                    s1 = p.Add(table, nibble, low, high, Vector256.LoadUnsafe(ref masks, m + 8), Vector256.LoadUnsafe(ref weightScales, at + 8), Vector256.LoadUnsafe(ref weightScales, next + 8), s1);
                    s2 = p.Add(table, nibble, low, high, Vector256.LoadUnsafe(ref masks, m + 16), Vector256.LoadUnsafe(ref weightScales, at + 16), Vector256.LoadUnsafe(ref weightScales, next + 16), s2);
                    s3 = p.Add(table, nibble, low, high, Vector256.LoadUnsafe(ref masks, m + 24), Vector256.LoadUnsafe(ref weightScales, at + 24), Vector256.LoadUnsafe(ref weightScales, next + 24), s3);
                }
                Store(s0, bias, o, y);
                Store(s1, bias, o + 8, y);
                Store(s2, bias, o + 16, y);
                Store(s3, bias, o + 24, y);
            }
            for (; o <= outputs - 8; o += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int i = 0; i < n; i++)
                {
                    int q = pairs[i];
                    nuint at = (nuint)((2 * q * outputs) + o);
                    sum = new Pair(bits[q], scales[2 * q], scales[(2 * q) + 1]).Add(table, nibble, low, high, Vector256.LoadUnsafe(ref masks, (nuint)((q * outputs) + o)),
                        Vector256.LoadUnsafe(ref weightScales, at), Vector256.LoadUnsafe(ref weightScales, at + (nuint)outputs), sum);
                }
                Store(sum, bias, o, y);
            }
        }
        for (; o < outputs; o++)
        {
            float sum = 0f;
            for (int i = 0; i < n; i++)
            {
                int q = pairs[i];
                uint both = bits[q] & w.Masks[(q * outputs) + o];
                for (int half = 0; half < 2; half++)
                {
                    int shift = 16 * half;
                    int count = (2 * BitOperations.PopCount((both >> shift) & 0xFFFF)) - BitOperations.PopCount((bits[q] >> shift) & 0xFFFF);
                    int at = (((2 * q) + half) * outputs) + o;
                    sum = MathF.FusedMultiplyAdd(count * w.Scales[at], scales[(2 * q) + half], sum);
                }
            }
            y[o] = bias is null ? sum : sum + bias[o];
        }
    }

    /// <summary>
    /// A pair of input chunks against 8 outputs' weights: popcount of the 32 bits by nibble lookup,
    /// each half's bytes summed by a widening multiply-add (byte weights 2, 2, 0, 0 and 0, 0, 2, 2)
    /// onto -popcount(u), the low chunk's term added first.
    /// </summary>
    private readonly struct Pair(uint bits, float low, float high)
    {
        private readonly Vector256<uint> _bits = Vector256.Create(bits);
        private readonly Vector256<int> _minusLow = Vector256.Create(-BitOperations.PopCount(bits & 0xFFFF));
        private readonly Vector256<int> _minusHigh = Vector256.Create(-BitOperations.PopCount(bits >> 16));
        private readonly Vector256<float> _low = Vector256.Create(low);
        private readonly Vector256<float> _high = Vector256.Create(high);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Add(Vector256<byte> table, Vector256<byte> nibble, Vector256<sbyte> low, Vector256<sbyte> high,
            Vector256<uint> masks, Vector256<float> lowScales, Vector256<float> highScales, Vector256<float> sum)
        {
            var v = (masks & _bits).AsByte();
            var bytes = Avx2.Shuffle(table, v & nibble) + Avx2.Shuffle(table, Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & nibble);
            sum = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Count(_minusLow, bytes, low)) * lowScales, _low, sum);
            return Fma.MultiplyAdd(Avx.ConvertToVector256Single(Count(_minusHigh, bytes, high)) * highScales, _high, sum);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Count(Vector256<int> minus, Vector256<byte> bytes, Vector256<sbyte> weights) =>
            AvxVnni.IsSupported
                ? AvxVnni.MultiplyWideningAndAdd(minus, bytes, weights)
                : minus + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(bytes, weights), Vector256.Create((short)1));
    }

    private static void Store(Vector256<float> sum, float[]? bias, int o, Span<float> y) =>
        (bias is null ? sum : sum + Vector256.Create(bias.AsSpan(o, 8))).CopyTo(y[o..]);
}

/// <summary>
/// hb weights as bits, for chunks of at most 16: [pair, output] masks (chunk 2q in the low 16 bits
/// of pair q, 2q + 1 in the high ones; a bit set where the weight is +its scale) and [chunk,
/// output] scales, so that one pair's or chunk's weights for consecutive outputs are one vector.
/// </summary>
internal sealed class PackedHbWeights
{
    public PackedHbWeights(int outputs, int inputs, int chunk)
    {
        if (chunk > PackedHadamardProduct.LongestChunk) throw new ArgumentException($"chunks of {chunk} do not fit a half mask");
        (Outputs, Inputs, Chunk) = (outputs, inputs, chunk);
        Pairs = (HadamardRows.ChunksPerRow(inputs, chunk) + 1) / 2;
        Masks = new uint[Pairs * outputs];
        Scales = new float[2 * Pairs * outputs];
    }

    public int Outputs { get; }
    public int Inputs { get; }
    public int Chunk { get; }
    public int Pairs { get; }
    public uint[] Masks { get; }
    public float[] Scales { get; }

    /// <summary>
    /// From a dense layer's effective weights [outputs, inputs] (hb of each output's row): every
    /// value of a chunk is +-its scale, so the scale is the magnitude of the chunk's first value.
    /// </summary>
    public void Pack(float[] effective)
    {
        int chunks = HadamardRows.ChunksPerRow(Inputs, Chunk);
        Masks.AsSpan().Clear();
        for (int o = 0; o < Outputs; o++)
        {
            for (int c = 0; c < chunks; c++)
            {
                int start = (o * Inputs) + (c * Chunk);
                var values = effective.AsSpan(start, Math.Min(Chunk, Inputs - (c * Chunk)));
                Masks[((c >> 1) * Outputs) + o] |= PackedHadamardProduct.Bits(values, positive: false) << (16 * (c & 1));
                Scales[(c * Outputs) + o] = Math.Abs(values[0]);
            }
        }
    }
}
