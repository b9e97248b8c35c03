using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Tests.Kernels;

/// <summary>
/// The slot-dot kernels (VPOPCNTW + VPMULLW + VPDPWSSD, generated) against bias + sum_c f_c coef_cj P_cj
/// from the scalar reference counts, in 64-bit integers: chunks of 1..64 bits (16, under 16, 24 = 16 + 8,
/// 32, 48, a short last chunk), an odd slot count (padded), 1..130 outputs (partial panels, more than
/// one), 1..3 rows per call and a remainder, with and without coefficients and factors, factors at
/// both ends of their range and large enough to need the high part, both codings, and wide products over
/// enough rows to run in blocks of pairs.
/// </summary>
public sealed class SlotDotTests
{
    public static TheoryData<int, int, int, int, int, long> Shapes() => new()
    {
        { 1, 16, 1, 16, 1000, 602016 },
        { 4, 288, 64, 16, 511, 602016 },
        { 7, 3136, 256, 16, 511, 827024 },
        { 5, 100, 65, 3, 2047, 1000 },
        { 3, 96, 130, 32, 0, 32 },
        { 2, 50, 7, 24, 700, 1 << 20 },
        { 8, 200, 70, 48, 300, 5 },
        { 6, 100, 10, 16, 1, 0 },
        { 3, 44, 20, 1, 32767, 1 },
        { 9, 130, 33, 64, 100, 1L << 25 },
        // sums that need splitting into groups: the wider fmnist-hbnn-cnn's 6,272-input layer, coefficients
        // near the 16-bit limit with and without a high part, and pairs that each need a group of their own
        { 5, 6272, 256, 16, 511, 633520 },
        { 4, 6272, 70, 16, 2047, 1 << 20 },
        { 3, 1024, 65, 16, 2047, 32767 },
        { 7, 500, 20, 8, 4095, 30000 },
        // rows enough to run the weights in L1-sized blocks of pairs over every row (many groups, the high part, partial
        // panels, a remainder of rows; the fmnist-hbnn-cnn dense layer's shape; no high part, three rows a call)
        { 7, 6272, 70, 16, 2047, 1 << 20 },
        { 6, 6272, 256, 16, 511, 633520 },
        { 10, 3136, 130, 16, 300, 30000 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EqualsTheChunkByChunkSum(int rows, int inputs, int outputs, int chunk, int maxCoef, long maxFactor)
    {
        var rng = new SplitMix64((ulong)((rows * 7919) + (inputs * 31) + chunk));
        var a = BitMatrix.Random(rows, inputs, rng);
        var w = BitMatrix.Random(outputs, inputs, rng);
        var chunks = new ChunkLayout(inputs, chunk);
        int stride = outputs + 3;
        long[]? coef = maxCoef == 0 ? null : [.. Enumerable.Range(0, chunks.Count * stride).Select(i => i % 5 == 0 ? maxCoef * (i % 2 == 0 ? 1L : -1) : rng.NextInt((2 * maxCoef) + 1) - (long)maxCoef)];
        long[]? factors = maxFactor == 1 ? null : [.. Enumerable.Range(0, rows * chunks.Count).Select(i => i % 3 == 0 ? maxFactor : i % 7 == 0 ? 0 : (long)(rng.NextDouble() * (maxFactor + 1)))];
        var bias = Enumerable.Range(0, outputs).Select(_ => (long)rng.NextInt(2_000_001) - 1_000_000).ToArray();
        foreach (var coding in Enum.GetValues<ActivationCoding>())
        {
            var counts = ReferenceProducts.ChunkCounts(a, w, chunk, coding);
            var expected = new long[rows * outputs];
            for (int b = 0; b < rows; b++)
            {
                for (int j = 0; j < outputs; j++)
                {
                    long sum = bias[j];
                    for (int c = 0; c < chunks.Count; c++)
                        sum += (factors?[(b * chunks.Count) + c] ?? 1) * (coef?[(c * stride) + j] ?? 1) * counts[(((b * outputs) + j) * chunks.Count) + c];
                    expected[(b * outputs) + j] = sum;
                }
            }
            var dot = SlotDot.Create(w, Slot.ForChunks(chunks), coef, stride, coding, maxFactor, new KernelOptions(KernelIsa.Avx512Popcount, Threads: 1));
            if (!SlotDotCode.Supported || KernelCpu.Best != KernelIsa.Avx512Popcount)
            {
                Assert.Null(dot);
                continue;
            }
            Assert.NotNull(dot);
            Assert.Equal(maxFactor > short.MaxValue, dot.High);
            AssertGroupsProvablyExact(dot, coef, stride, maxFactor);
            if (inputs == 6272 && maxCoef == 2047) Assert.True(dot.Groups.Count > 1);
            if (inputs == 1024) Assert.True(dot.Groups.Count > 16);
            Assert.Equal(inputs >= 3136 && rows >= 6, dot.RunsBlocked(rows));
            Assert.Equal(expected, Run(dot, a, factors, chunks.Count, bias));
        }
    }

    /// <summary>The groups cover the pairs in order, and each one's 32-bit sums stay in range by a bound computed here.</summary>
    private static void AssertGroupsProvablyExact(SlotDot dot, long[]? coef, int stride, long maxFactor)
    {
        long maxPart = dot.High ? Math.Max((1L << dot.LowBits) - 1, maxFactor >> dot.LowBits) : maxFactor;
        Assert.True(maxPart <= short.MaxValue);
        int next = 0;
        foreach (var group in dot.Groups)
        {
            Assert.Equal(next, group.FirstPair);
            Assert.True(group.Pairs > 0);
            next += group.Pairs;
            for (int j = 0; j < dot.Outputs; j++)
            {
                long bound = 0;
                for (int s = 2 * group.FirstPair; s < 2 * next; s++)
                {
                    var slot = dot.Slots[s];
                    if (slot.Chunk >= 0) bound += slot.Length * Math.Abs(coef?[(slot.Chunk * stride) + j] ?? 1);
                }
                Assert.True((Int128)bound * maxPart <= int.MaxValue, $"group at pair {group.FirstPair}, output {j}");
            }
        }
        Assert.Equal(dot.Pairs, next);
    }

    [Fact]
    public void RefusesWhatItCannotProveExact()
    {
        var w = new BitMatrix(5, 64);
        var options = new KernelOptions(KernelIsa.Avx512Popcount, Threads: 1);
        var slots = Slot.ForChunks(new ChunkLayout(64, 16));
        // 16 x 2048 does not fit a 16-bit lane
        Assert.Null(SlotDot.Create(w, slots, [.. Enumerable.Repeat(2048L, 4 * 5)], 5, ActivationCoding.Unipolar, 10, options));
        // a factor of 2^40 leaves a high part past 15 bits
        Assert.Null(SlotDot.Create(w, slots, null, 0, ActivationCoding.Unipolar, 1L << 40, options));
        // negative factors are not split
        Assert.Null(SlotDot.Create(w, slots, null, 0, ActivationCoding.Unipolar, -1, options));
        // another level requested: the table-lookup kernels run instead
        Assert.Null(SlotDot.Create(w, slots, null, 0, ActivationCoding.Unipolar, 10, new KernelOptions(KernelIsa.Avx512, Threads: 1)));
        Assert.Equal(SlotDotCode.Supported && KernelCpu.Best == KernelIsa.Avx512Popcount,
            SlotDot.Create(w, slots, null, 0, ActivationCoding.Unipolar, 10, options) is not null);
    }

    [Theory]
    [InlineData(false, 70, ActivationCoding.Unipolar, 500, 600_000)]
    [InlineData(true, 70, ActivationCoding.Bipolar, 500, 600_000)]
    [InlineData(true, 64, ActivationCoding.Unipolar, 500, 600_000)]
    [InlineData(false, 5, ActivationCoding.Bipolar, 500, 600_000)]
    [InlineData(true, 70, ActivationCoding.Unipolar, 2047, 32767)]
    [InlineData(false, 9, ActivationCoding.Bipolar, 2047, 1 << 29)]
    public unsafe void PoolingAsItCombinesEqualsCombiningThenPooling(bool mixed, int outputs, ActivationCoding coding, int maxCoef, int maxFactor)
    {
        // windows that overlap (rows 2 and 3 in two), a window of one row, a row in no window (8)
        int[] positions = [0, 1, 2, 3, 2, 3, 4, 5, 9, 6, 7];
        int[] windows = [0, 0, 0, 0, 1, 1, 1, 1, 2, 3, 3];
        bool[] firsts = [true, false, false, false, true, false, false, false, true, true, false];
        var rng = new SplitMix64((ulong)(outputs + (mixed ? 1000 : 0)));
        var a = BitMatrix.Random(10, 96, rng);
        var w = BitMatrix.Random(outputs, 96, rng);
        var chunks = new ChunkLayout(96, 16);
        long[] coef = [.. Enumerable.Range(0, chunks.Count * outputs).Select(i => i % 4 == 0 ? maxCoef : rng.NextInt((2 * maxCoef) + 1) - (long)maxCoef)];
        long[] factors = [.. Enumerable.Range(0, 10 * chunks.Count).Select(i => i % 3 == 0 ? maxFactor : (long)rng.NextInt(maxFactor + 1))];
        long[] bias = [.. Enumerable.Range(0, outputs).Select(_ => rng.NextInt(2_000_001) - 1_000_000L)];
        long[]? down = mixed ? [.. Enumerable.Range(0, outputs).Select(j => j % 3 == 0 ? -1L : 0L)] : null;
        var dot = SlotDot.Create(w, Slot.ForChunks(chunks), coef, outputs, coding, maxFactor, new KernelOptions(KernelIsa.Avx512Popcount, Threads: 1));
        if (!KernelCpu.SlotDot)
        {
            Assert.Null(dot);
            return;
        }
        Assert.NotNull(dot);
        Assert.Equal(maxCoef > 1000, dot.Groups.Count > 1);
        var totals = Run(dot, a, factors, chunks.Count, bias);
        var expected = new long[4 * outputs];
        for (int i = 0; i < positions.Length; i++)
        {
            for (int j = 0; j < outputs; j++)
            {
                long value = totals[(positions[i] * outputs) + j];
                ref long best = ref expected[(windows[i] * outputs) + j];
                best = firsts[i] ? value : down is not null && down[j] < 0 ? Math.Min(best, value) : Math.Max(best, value);
            }
        }
        var records = new AlignedBuffer<byte>(positions.Length * dot.RecordStride);
        var pooled = new long[4 * outputs];
        fixed (long* f = factors)
        fixed (long* b = bias)
        fixed (long* target = pooled)
        {
            for (int i = 0; i < positions.Length; i++)
                dot.FillRow((ushort*)(records.Pointer + ((long)i * dot.RecordStride)), a.RowPointer(positions[i]), f + ((long)positions[i] * chunks.Count));
            dot.RunPooled(records.Pointer, positions.Length, b, target, windows, firsts, down);
        }
        Assert.Equal(expected, pooled);
    }

    [Theory]
    [InlineData(ActivationCoding.Unipolar, 1_032_912)]
    [InlineData(ActivationCoding.Bipolar, 1_032_912)]
    [InlineData(ActivationCoding.Unipolar, 32767)]
    [InlineData(ActivationCoding.Bipolar, 1)]
    public unsafe void FillingAWholePairWritesWhatFillingItsTwoSlotsWrites(ActivationCoding coding, long maxFactor)
    {
        var rng = new SplitMix64((ulong)maxFactor);
        var chunks = new ChunkLayout(64, 16);
        var w = BitMatrix.Random(16, 64, rng);
        var dot = SlotDot.Create(w, Slot.ForChunks(chunks), null, 16, coding, maxFactor, new KernelOptions(KernelIsa.Avx512Popcount, Threads: 1));
        if (dot is null)
        {
            Assert.False(KernelCpu.SlotDot);
            return;
        }
        Assert.Equal(maxFactor > short.MaxValue, dot.High);
        var bySlot = new ushort[8];
        var byPair = new ushort[8];
        for (int i = 0; i < 200; i++)
        {
            uint bits = i switch { 0 => 0, 1 => uint.MaxValue, 2 => 0xFFFF, _ => (uint)rng.NextUInt64() };
            long f0 = i % 3 == 0 ? maxFactor : (long)(rng.NextDouble() * (maxFactor + 1)), f1 = i % 5 == 0 ? 0 : (long)(rng.NextDouble() * (maxFactor + 1));
            fixed (ushort* slots = bySlot)
            fixed (ushort* pair = byPair)
            {
                dot.Fill(slots, 0, bits & 0xFFFF, 16, f0);
                dot.Fill(slots, 1, bits >> 16, 16, f1);
                dot.FillPair(pair, bits, f0, f1);
            }
            Assert.Equal(bySlot, byPair);
        }
    }

    private static unsafe long[] Run(SlotDot dot, BitMatrix a, long[]? factors, int chunks, long[] bias)
    {
        var records = new AlignedBuffer<byte>(Math.Max(1, a.Rows * dot.RecordStride));
        var result = new long[a.Rows * dot.Outputs];
        fixed (long* f = factors)
        fixed (long* b = bias)
        fixed (long* target = result)
        {
            for (int r = 0; r < a.Rows; r++)
                dot.FillRow((ushort*)(records.Pointer + ((long)r * dot.RecordStride)), a.RowPointer(r), f is null ? null : f + ((long)r * chunks));
            dot.Run(records.Pointer, a.Rows, b, target);
        }
        return result;
    }
}
