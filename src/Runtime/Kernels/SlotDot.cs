using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HwFlow.Runtime.Kernels;

/// <summary>Input bits [Start, Start + Length) of chunk <see cref="Chunk"/> in one 16-bit slot; Chunk -1 (length 0) pads to a whole pair.</summary>
internal readonly record struct Slot(int Start, int Length, int Chunk)
{
    public static Slot Padding => new(0, 0, -1);

    /// <summary>Each chunk split into slots of at most 16 bits, in input order, padded to an even count.</summary>
    public static List<Slot> ForChunks(ChunkLayout chunks)
    {
        var slots = new List<Slot>();
        for (int c = 0; c < chunks.Count; c++) AddChunk(slots, chunks.Start(c), chunks.LengthOf(c), c);
        if (slots.Count % 2 != 0) slots.Add(Padding);
        return slots;
    }

    public static void AddChunk(List<Slot> slots, int start, int length, int chunk)
    {
        for (int h = 0; h < length; h += 16) slots.Add(new Slot(start + h, Math.Min(16, length - h), chunk));
    }
}

/// <summary>Pairs [FirstPair, FirstPair + Pairs) of a slot-dot whose 32-bit sums are proven exact together; their weights start WeightOffset bytes in.</summary>
internal readonly record struct SlotGroup(int FirstPair, int Pairs, long WeightOffset);

/// <summary>
/// A bin-dot acc_j = bias_j + sum_c f_c coef_cj P_cj on the slot-dot kernels (<see cref="SlotDotCode"/>):
/// each chunk in 16-bit slots (P_c is the sum of its slots' signed counts), two slots per 32-bit word.
/// Built only when every step is provably exact: |t coef| fits 16 bits (t the slot's signed count,
/// at most its length), and the 32-bit sums of t coef f_low and t coef f_high cannot overflow, the
/// factor split as f = f_high 2^L + f_low with both parts in 15 bits; when the sum over all slots could
/// overflow, the slot pairs are split into groups whose sums cannot (<see cref="Plan"/>). Then
/// acc = bias + sum over groups of (high &lt;&lt; L) + low in 64 bits equals the golden kernel's chunk-by-chunk sum.
/// A row's input is a record per slot pair (<see cref="SlotDotCode.RecordBytes"/>): the two slots'
/// bits, their offsets (pop(a) when unipolar, the slot length when bipolar; only the bipolar kernels read them),
/// the factors' low and high parts.
/// </summary>
internal sealed unsafe class SlotDot
{
    private readonly AlignedBuffer<byte> _weights;
    private readonly ThreadLocal<AlignedBuffer<int>> _sums;
    private readonly ThreadLocal<AlignedBuffer<long>>? _totals;

    private SlotDot(IReadOnlyList<Slot> slots, int outputs, ActivationCoding coding, bool high, int lowBits, bool coefficients, SlotGroup[] groups)
    {
        Groups = groups;
        Coefficients = coefficients;
        Slots = slots;
        Outputs = outputs;
        Coding = coding;
        High = high;
        LowBits = lowBits;
        Pairs = slots.Count / 2;
        Panels = (outputs + SlotDotCode.PanelOutputs - 1) / SlotDotCode.PanelOutputs;
        PairBytes = SlotDotCode.PairBytes(coding);
        _weights = new AlignedBuffer<byte>(Panels * Pairs * PairBytes);
        _sums = new ThreadLocal<AlignedBuffer<int>>(() => new AlignedBuffer<int>(SlotDotCode.MaxRows * Panels * 2 * SlotDotCode.PanelOutputs));
        if (groups.Length > 1) _totals = new ThreadLocal<AlignedBuffer<long>>(() => new AlignedBuffer<long>(SlotDotCode.MaxRows * outputs));
    }

    /// <summary>Consecutive slot pairs whose 32-bit sums are proven exact together (one group unless the bound needs more); their weights at WeightOffset bytes, [panel][pair].</summary>
    public IReadOnlyList<SlotGroup> Groups { get; }

    public IReadOnlyList<Slot> Slots { get; }
    public int Outputs { get; }
    public ActivationCoding Coding { get; }

    /// <summary>Whether factors need a high part (else f fits the low part alone).</summary>
    public bool High { get; }
    public int LowBits { get; }

    /// <summary>Whether the kernels multiply by coefficients (else all are 1 and the multiply is left out).</summary>
    public bool Coefficients { get; }
    public int Pairs { get; }
    public int Panels { get; }

    /// <summary>Bytes of a slot pair's weights in a panel (<see cref="SlotDotCode.PairBytes"/>).</summary>
    public int PairBytes { get; }
    public int RecordStride => Pairs * SlotDotCode.RecordBytes;

    /// <summary>
    /// The product for weights W[out, in], coefficients [chunk, coefStride] (null: 1) and factors in
    /// [0, maxFactor] (1 when there are none); null when the CPU lacks the kernels, the slots are not
    /// whole pairs, or a 16-bit product or 32-bit sum could overflow (<see cref="Plan"/>).
    /// </summary>
    public static SlotDot? Create(BitMatrix weights, IReadOnlyList<Slot> slots, long[]? coefByChunk, int coefStride,
        ActivationCoding coding, long maxFactor, KernelOptions options)
    {
        if (!options.WordLanes || !SlotDotCode.Supported || KernelCpu.Resolve(options.Isa) != KernelIsa.Avx512Popcount) return null;
        if (Plan(slots, weights.Rows, coefByChunk, coefStride, maxFactor, SlotDotCode.PairBytes(coding)) is not { } plan) return null;

        var dot = new SlotDot(slots, weights.Rows, coding, plan.High, plan.LowBits, coefByChunk is not null, plan.Groups);
        var span = dot._weights.Span;
        long sign = coding == ActivationCoding.Bipolar ? -1 : 1; // the kernel forms 2 count - length = -P when bipolar
        foreach (var group in dot.Groups)
        {
            for (int panel = 0; panel < dot.Panels; panel++)
            {
                for (int p = 0; p < group.Pairs; p++)
                {
                    int pair = group.FirstPair + p;
                    var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(span.Slice((int)group.WeightOffset + (((panel * group.Pairs) + p) * dot.PairBytes), dot.PairBytes));
                    for (int lane = 0; lane < SlotDotCode.PanelOutputs; lane++)
                    {
                        int j = (panel * SlotDotCode.PanelOutputs) + lane;
                        if (j >= dot.Outputs) break;
                        uint word = 0, coefs = 0, counts = 0;
                        for (int half = 0; half < 2; half++)
                        {
                            var slot = slots[(2 * pair) + half];
                            if (slot.Chunk < 0) continue;
                            uint bits = 0;
                            for (int b = 0; b < slot.Length; b++) bits |= weights[j, slot.Start + b] ? 1u << b : 0;
                            long coef = sign * (coefByChunk is null ? 1 : coefByChunk[((long)slot.Chunk * coefStride) + j]);
                            word |= bits << (16 * half);
                            coefs |= (uint)(ushort)(short)coef << (16 * half);
                            counts |= (uint)BitOperations.PopCount(bits) << (16 * half);
                        }
                        words[lane] = word;
                        words[SlotDotCode.PanelOutputs + lane] = coefs;
                        if (coding == ActivationCoding.Unipolar) words[(2 * SlotDotCode.PanelOutputs) + lane] = counts;
                    }
                }
            }
        }
        return dot;
    }

    /// <summary>
    /// How the product runs exactly, or null. A slot's signed count t is at most its length in magnitude
    /// (2 count - pop(a) when unipolar, length - 2 count when bipolar), so |t coef| &lt;= length |coef| must fit
    /// 16 bits, and a 32-bit sum over a group of pairs is at most B_j x (the largest factor part), B_j =
    /// sum over the group's slots of length |coef_cj|, for every output j. Factors split as f = f_high 2^L +
    /// f_low with both parts in 15 bits (or f alone when it fits 15 bits: no high part). Pairs are packed
    /// greedily into consecutive groups whose bound fits, each group's 32-bit sums added in 64 bits.
    /// Of the exact choices, the one with the fewest kernel steps (a high part doubles the multiply-adds) and
    /// then the fewest groups.
    /// </summary>
    internal static (bool High, int LowBits, SlotGroup[] Groups)? Plan(IReadOnlyList<Slot> slots, int outputs, long[]? coefByChunk, int coefStride, long maxFactor, int pairBytes)
    {
        if (slots.Count == 0 || slots.Count % 2 != 0 || maxFactor < 0) return null;
        int pairs = slots.Count / 2;
        // bound[pair * outputs + j] = the pair's sum of length |coef_cj|
        var bound = new long[(long)pairs * outputs];
        for (int s = 0; s < slots.Count; s++)
        {
            var slot = slots[s];
            if (slot.Chunk < 0) continue;
            for (int j = 0; j < outputs; j++)
            {
                long coef = coefByChunk is null ? 1 : Math.Abs(coefByChunk[((long)slot.Chunk * coefStride) + j]);
                long product = slot.Length * coef;
                if (coef > short.MaxValue || product > short.MaxValue) return null;
                bound[((long)(s / 2) * outputs) + j] += product;
            }
        }
        (bool High, int LowBits, SlotGroup[] Groups)? best = null;
        long bestCost = long.MaxValue;
        void Consider(bool high, int lowBits, long maxPart)
        {
            if (Pack(bound, pairs, outputs, int.MaxValue / Math.Max(1, maxPart)) is not { } groups) return;
            long cost = (pairs * (high ? 2L : 1L) * 4) + groups.Length;
            if (cost < bestCost) (best, bestCost) = ((high, lowBits, groups), cost);
        }
        if (maxFactor <= short.MaxValue) Consider(false, 15, maxFactor);
        for (int lowBits = 15; lowBits > 0; lowBits--)
        {
            if ((maxFactor >> lowBits) <= short.MaxValue && maxFactor > short.MaxValue) Consider(true, lowBits, Math.Max((1L << lowBits) - 1, maxFactor >> lowBits));
        }
        if (best is not { } plan) return null;
        long offset = 0;
        int panels = (outputs + SlotDotCode.PanelOutputs - 1) / SlotDotCode.PanelOutputs;
        for (int g = 0; g < plan.Groups.Length; g++)
        {
            plan.Groups[g] = plan.Groups[g] with { WeightOffset = offset };
            offset += (long)panels * plan.Groups[g].Pairs * pairBytes;
        }
        return plan;
    }

    /// <summary>Consecutive groups of pairs whose bounds sum to at most <paramref name="limit"/> for every output; null if one pair exceeds it.</summary>
    private static SlotGroup[]? Pack(long[] bound, int pairs, int outputs, long limit)
    {
        var groups = new List<SlotGroup>();
        var running = new long[outputs];
        int first = 0;
        for (int p = 0; p < pairs; p++)
        {
            bool fits = true;
            for (int j = 0; j < outputs && fits; j++) fits = running[j] + bound[((long)p * outputs) + j] <= limit;
            if (!fits)
            {
                if (p == first) return null;
                groups.Add(new SlotGroup(first, p - first, 0));
                Array.Clear(running);
                first = p;
                for (int j = 0; j < outputs; j++)
                {
                    if (bound[((long)p * outputs) + j] > limit) return null;
                }
            }
            for (int j = 0; j < outputs; j++) running[j] += bound[((long)p * outputs) + j];
        }
        groups.Add(new SlotGroup(first, pairs - first, 0));
        return [.. groups];
    }

    /// <summary>Writes slot <paramref name="slot"/>'s part of the records at <paramref name="records"/> (the slot's pair is slot / 2).</summary>
    public void Fill(ushort* records, int slot, uint bits, int length, long factor)
    {
        ushort* pair = records + ((slot >> 1) * (SlotDotCode.RecordBytes / sizeof(ushort))) + (slot & 1);
        pair[0] = (ushort)bits;
        pair[2] = (ushort)(Coding == ActivationCoding.Unipolar ? BitOperations.PopCount(bits) : length);
        pair[4] = (ushort)(factor & ((1L << LowBits) - 1));
        pair[6] = High ? (ushort)(factor >> LowBits) : (ushort)0;
    }

    /// <summary>One whole pair of 16-bit slots (both of length 16): <paramref name="bits"/> holds both slots' bits, f0 and f1 their factors.</summary>
    public void FillPair(ushort* pair, uint bits, long f0, long f1)
    {
        *(uint*)pair = bits;
        if (Coding == ActivationCoding.Unipolar)
        {
            pair[2] = (ushort)BitOperations.PopCount(bits & 0xFFFF);
            pair[3] = (ushort)BitOperations.PopCount(bits >> 16);
        }
        else
        {
            *(uint*)(pair + 2) = 16 | (16u << 16);
        }
        long mask = (1L << LowBits) - 1;
        *(uint*)(pair + 4) = (uint)(f0 & mask) | ((uint)(f1 & mask) << 16);
        *(uint*)(pair + 6) = High ? (uint)(f0 >> LowBits) | ((uint)(f1 >> LowBits) << 16) : 0;
    }

    /// <summary>
    /// One whole pair from its 32 values (v0..v3, eight each, in order): the bits are value >= <paramref name="threshold"/>,
    /// each slot's factor the sum of its 16 values' magnitudes (<paramref name="oneChunk"/>: the 32 values are one chunk,
    /// both slots' factor the sum of all 32).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void FillPair(ushort* pair, Vector512<long> v0, Vector512<long> v1, Vector512<long> v2, Vector512<long> v3, Vector512<long> threshold, bool oneChunk = false)
    {
        uint bits = (uint)Vector512.GreaterThanOrEqual(v0, threshold).ExtractMostSignificantBits()
            | ((uint)Vector512.GreaterThanOrEqual(v1, threshold).ExtractMostSignificantBits() << 8)
            | ((uint)Vector512.GreaterThanOrEqual(v2, threshold).ExtractMostSignificantBits() << 16)
            | ((uint)Vector512.GreaterThanOrEqual(v3, threshold).ExtractMostSignificantBits() << 24);
        if (oneChunk)
        {
            long f = Vector512.Sum(Vector512.Abs(v0) + Vector512.Abs(v1) + Vector512.Abs(v2) + Vector512.Abs(v3));
            FillPair(pair, bits, f, f);
            return;
        }
        FillPair(pair, bits, Vector512.Sum(Vector512.Abs(v0) + Vector512.Abs(v1)), Vector512.Sum(Vector512.Abs(v2) + Vector512.Abs(v3)));
    }

    /// <summary>A row's records from its packed bits (<paramref name="words"/>) and its chunk factors (null: all 1).</summary>
    public void FillRow(ushort* records, ulong* words, long* factors)
    {
        for (int s = 0; s < Slots.Count; s++)
        {
            var slot = Slots[s];
            if ((s & 1) == 0 && slot.Length == 16 && (slot.Start & 31) == 0 && Slots[s + 1] is { Length: 16 } next && next.Start == slot.Start + 16)
            {
                // two whole 16-bit slots in one aligned 32-bit field (HBNN's chunks of 16): the pair at once
                uint bits = (uint)(words[slot.Start >> 6] >> (slot.Start & 63));
                FillPair(records + ((s >> 1) * (SlotDotCode.RecordBytes / sizeof(ushort))), bits, factors is null ? 1 : factors[slot.Chunk], factors is null ? 1 : factors[next.Chunk]);
                s++;
                continue;
            }
            if (slot.Chunk < 0)
            {
                Fill(records, s, 0, 0, 0);
                continue;
            }
            int shift = slot.Start & 63;
            ulong field = words[slot.Start >> 6] >> shift;
            if (shift + slot.Length > 64) field |= words[(slot.Start >> 6) + 1] << (64 - shift);
            Fill(records, s, (uint)(field & ((1UL << slot.Length) - 1)), slot.Length, factors is null ? 1 : factors[slot.Chunk]);
        }
    }

    /// <summary>totals[row, j] = bias_j + the product, for <paramref name="rows"/> rows of records <see cref="RecordStride"/> bytes apart.</summary>
    public void Run(byte* records, int rows, long* bias, long* totals)
    {
        if (RunsBlocked(rows))
        {
            RunBlocked(records, rows, bias, totals);
            return;
        }
        int* sumPointer = _sums.Value!.Pointer;
        int perCall = SlotDotCode.RowsPerCall(High);
        for (int row = 0; row < rows; row += perCall)
            SumGroups(records + ((long)row * RecordStride), Math.Min(perCall, rows - row), sumPointer, bias, totals + ((long)row * Outputs));
    }

    /// <summary>Bytes of one panel's weights that a block of pairs keeps (<see cref="RunBlocked"/>): well inside a 32 KiB L1 with the records beside them.</summary>
    private const int BlockBytes = 16 * 1024;

    /// <summary>Whether <see cref="Run"/> on <paramref name="rows"/> rows takes <see cref="RunBlocked"/> (tests check that the path they mean to cover runs).</summary>
    internal bool RunsBlocked(int rows) => rows >= 2 * SlotDotCode.MaxRows && (long)Pairs * Panels * PairBytes > 2 * BlockBytes;

    private readonly ThreadLocal<AlignedBuffer<int>> _blockSums = new(() => new AlignedBuffer<int>(0));

    /// <summary>
    /// <see cref="Run"/> for many rows of a wide product (a dense layer's weights far over L1, which every kernel call
    /// of two rows read again from L2): pairs in blocks of <see cref="BlockBytes"/> per panel, each block's weights
    /// run over every row while in L1, its 32-bit sums added to the rows' 64-bit totals after each block. A block is
    /// part of one group, so its sums are bounded by the group's and exact.
    /// </summary>
    private void RunBlocked(byte* records, int rows, long* bias, long* totals)
    {
        long sumStride = SumStride;
        if (_blockSums.Value!.Length < rows * sumStride / sizeof(int)) _blockSums.Value = new AlignedBuffer<int>((int)(rows * sumStride / sizeof(int)));
        byte* sums = (byte*)_blockSums.Value.Pointer;
        int perCall = SlotDotCode.RowsPerCall(High), blockPairs = Math.Max(1, BlockBytes / PairBytes);
        for (int g = 0; g < Groups.Count; g++)
        {
            var group = Groups[g];
            for (int first = 0; first < group.Pairs; first += blockPairs)
            {
                int pairs = Math.Min(blockPairs, group.Pairs - first);
                for (int panel = 0; panel < Panels; panel++)
                {
                    byte* weights = _weights.Pointer + group.WeightOffset + ((((long)panel * group.Pairs) + first) * PairBytes);
                    for (int row = 0; row < rows; row += perCall)
                    {
                        var args = new SlotDotArgs
                        {
                            Records = records + ((long)row * RecordStride) + ((long)(group.FirstPair + first) * SlotDotCode.RecordBytes),
                            RecordStride = RecordStride, Weights = weights, Pairs = pairs,
                            Sums = (int*)(sums + (row * sumStride)) + (panel * 2 * SlotDotCode.PanelOutputs), SumStride = sumStride, Panels = 1,
                            Segments = 1, SegmentSkip = 0,
                        };
                        SlotDotCode.Kernel(Math.Min(perCall, rows - row), Coding, High, Coefficients)(&args);
                    }
                }
                bool firstBlock = g == 0 && first == 0;
                for (int r = 0; r < rows; r++)
                {
                    long* target = totals + ((long)r * Outputs);
                    Combine((int*)(sums + (r * sumStride)), firstBlock ? bias : target, target);
                }
            }
        }
    }

    /// <summary>
    /// The max-pool of the product, straight from the kernel's sums: row i belongs to pool window windows[i]
    /// (its outputs at pooled[windows[i] * Outputs]), and a window's first row stores, the others take the
    /// max (the min on channels where <paramref name="down"/> is -1). The rows of no window are never computed.
    /// </summary>
    public void RunPooled(byte* records, int rows, long* bias, long* pooled, int[] windows, bool[] firsts, long[]? down)
    {
        int* sumPointer = _sums.Value!.Pointer;
        long sumStride = SumStride;
        long* totals = _totals?.Value!.Pointer;
        fixed (long* downs = down)
        {
            int perCall = SlotDotCode.RowsPerCall(High);
            for (int row = 0; row < rows; row += perCall)
            {
                int count = Math.Min(perCall, rows - row);
                if (Groups.Count == 1)
                {
                    RunGroup(0, records + ((long)row * RecordStride), count, sumPointer);
                    for (int r = 0; r < count; r++)
                        CombineMax((int*)((byte*)sumPointer + (r * sumStride)), bias, pooled + ((long)windows[row + r] * Outputs), firsts[row + r], downs);
                    continue;
                }
                // more than one group: each row's whole sum first, then pooled
                SumGroups(records + ((long)row * RecordStride), count, sumPointer, bias, totals);
                for (int r = 0; r < count; r++) PoolInto(totals + ((long)r * Outputs), pooled + ((long)windows[row + r] * Outputs), firsts[row + r], downs);
            }
        }
    }

    /// <summary>
    /// <see cref="RunPooled"/> on records read in place from a padded record image (<see cref="SlotRecordImage"/>):
    /// row i's records start rowOffsets[i] bytes into <paramref name="image"/> and are <paramref name="segments"/> runs of
    /// Pairs / segments pairs, each run <paramref name="segmentSkip"/> bytes after the previous one ends. One group only.
    /// Rows go to the kernel two or three at a time where their offsets are evenly spaced (a pool window's row pair always is).
    /// </summary>
    /// <remarks>
    /// With <paramref name="padding"/> (per row, bit s * <paramref name="segmentCells"/> + k set when cell k of run s is
    /// a padding pixel; each run is segmentCells cells of equal pairs), the runs and cells that are padding in every row
    /// of a call are left out: the rest of the field is a rectangle of runs and cells, whose records and weights the
    /// kernel reads with the skips between them. A padding cell's records are the padding pixel's, whose bits and
    /// factors are 0 for the pre ops this is used with, so it adds nothing to the sums; leaving it out is exact.
    /// </remarks>
    public void RunAt(byte* image, int[] rowOffsets, int segments, long segmentSkip, long* bias, long* target, int[] windows, bool[] firsts, long[]? down,
        long[]? padding = null, int segmentCells = 1)
    {
        if (Groups.Count != 1 || Pairs % segments != 0 || Pairs / segments % segmentCells != 0) throw new InvalidOperationException("records in place need one group of whole runs");
        int* sums = _sums.Value!.Pointer;
        long sumStride = SumStride;
        int perCall = SlotDotCode.RowsPerCall(High), rows = rowOffsets.Length, cellPairs = Pairs / segments / segmentCells;
        long cellBytes = (long)cellPairs * SlotDotCode.RecordBytes, cellWeights = (long)cellPairs * PairBytes;
        fixed (long* downs = down)
        {
            for (int row = 0; row < rows;)
            {
                int count = Math.Min(perCall, rows - row);
                long stride = count > 1 ? rowOffsets[row + 1] - rowOffsets[row] : 0;
                for (int r = 2; r < count; r++)
                {
                    if (rowOffsets[row + r] - rowOffsets[row + r - 1] != stride) count = r;
                }
                var args = new SlotDotArgs
                {
                    Records = image + rowOffsets[row], RecordStride = stride, Weights = _weights.Pointer, Pairs = Pairs / segments,
                    Sums = sums, SumStride = sumStride, Panels = Panels, Segments = segments, SegmentSkip = segmentSkip,
                };
                if (padding is not null)
                {
                    long common = -1;
                    for (int r = 0; r < count; r++) common &= padding[row + r];
                    if (common != 0 && Kept(common, segments, segmentCells) is var (s0, s1, k0, k1) && s1 > s0 && k1 > k0)
                    {
                        long runBytes = (segmentCells * cellBytes) + segmentSkip;
                        args.Records += (s0 * runBytes) + (k0 * cellBytes);
                        args.Weights += ((s0 * segmentCells) + k0) * cellWeights;
                        args.Pairs = (k1 - k0) * cellPairs;
                        args.Segments = s1 - s0;
                        args.SegmentSkip = segmentSkip + ((segmentCells - (k1 - k0)) * cellBytes);
                        args.WeightSegmentSkip = (segmentCells - (k1 - k0)) * cellWeights;
                        args.WeightPanelSkip = (segments - (s1 - s0)) * segmentCells * cellWeights;
                    }
                }
                SlotDotCode.Kernel(count, Coding, High, Coefficients)(&args);
                if (count == 2 && down is null && windows[row] == windows[row + 1] && !firsts[row + 1] && Avx512F.IsSupported)
                    CombineMaxPair((int*)sums, (int*)((byte*)sums + sumStride), bias, target + ((long)windows[row] * Outputs), firsts[row]);
                else
                {
                    for (int r = 0; r < count; r++)
                        CombineMax((int*)((byte*)sums + (r * sumStride)), bias, target + ((long)windows[row + r] * Outputs), firsts[row + r], downs);
                }
                row += count;
            }
        }
    }

    /// <summary>The runs [s0, s1) and cells [k0, k1) left once the runs and cell columns that are all padding (set in <paramref name="padded"/>) at either end are dropped.</summary>
    private static (int S0, int S1, int K0, int K1) Kept(long padded, int segments, int cells)
    {
        long runMask = (1L << cells) - 1, columnMask = 0;
        for (int s = 0; s < segments; s++) columnMask |= 1L << (s * cells);
        bool RunPadded(int s) => ((padded >> (s * cells)) & runMask) == runMask;
        bool ColumnPadded(int k) => ((padded >> k) & columnMask) == columnMask;
        int s0 = 0, s1 = segments, k0 = 0, k1 = cells;
        while (s0 < s1 && RunPadded(s0)) s0++;
        while (s1 > s0 && RunPadded(s1 - 1)) s1--;
        while (k0 < k1 && ColumnPadded(k0)) k0++;
        while (k1 > k0 && ColumnPadded(k1 - 1)) k1--;
        return (s0, s1, k0, k1);
    }

    private long SumStride => (long)Panels * 2 * SlotDotCode.PanelOutputs * sizeof(int);

    /// <summary>totals[r, j] = bias_j + the product for <paramref name="count"/> rows (1..<see cref="SlotDotCode.RowsPerCall"/>): every group's 32-bit sums added in 64 bits.</summary>
    private void SumGroups(byte* records, int count, int* sums, long* bias, long* totals)
    {
        long sumStride = SumStride;
        for (int g = 0; g < Groups.Count; g++)
        {
            RunGroup(g, records, count, sums);
            for (int r = 0; r < count; r++)
            {
                long* target = totals + ((long)r * Outputs);
                Combine((int*)((byte*)sums + (r * sumStride)), g == 0 ? bias : target, target);
            }
        }
    }

    /// <summary>Group <paramref name="group"/>'s 32-bit sums for <paramref name="count"/> rows (1..<see cref="SlotDotCode.RowsPerCall"/>) from the first row's records.</summary>
    private void RunGroup(int group, byte* records, int count, int* sums)
    {
        var g = Groups[group];
        var args = new SlotDotArgs
        {
            Records = records + ((long)g.FirstPair * SlotDotCode.RecordBytes), RecordStride = RecordStride,
            Weights = _weights.Pointer + g.WeightOffset, Pairs = g.Pairs, Sums = sums, SumStride = SumStride, Panels = Panels,
            Segments = 1, SegmentSkip = 0,
        };
        SlotDotCode.Kernel(count, Coding, High, Coefficients)(&args);
    }

    private void PoolInto(long* values, long* target, bool first, long* down)
    {
        int i = 0;
        if (first)
        {
            new Span<long>(values, Outputs).CopyTo(new Span<long>(target, Outputs));
            return;
        }
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 8 <= Outputs; i += 8)
            {
                var sum = Vector512.Load(values + i);
                var best = Vector512.Load(target + i);
                (down is null ? Vector512.Max(best, sum) : Vector512.ConditionalSelect(Vector512.Load(down + i), Vector512.Min(best, sum), Vector512.Max(best, sum))).Store(target + i);
            }
        }
        for (; i < Outputs; i++) target[i] = down is not null && down[i] < 0 ? Math.Min(target[i], values[i]) : Math.Max(target[i], values[i]);
    }

    private void CombineMax(int* sums, long* bias, long* target, bool first, long* down)
    {
        for (int panel = 0; panel < Panels; panel++)
        {
            int* low = sums + (panel * 2 * SlotDotCode.PanelOutputs);
            int j0 = panel * SlotDotCode.PanelOutputs, end = Math.Min(SlotDotCode.PanelOutputs, Outputs - j0), i = 0;
            if (Avx512F.IsSupported)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var sum = Products(low, i) + Vector512.Load(bias + j0 + i);
                    long* to = target + j0 + i;
                    if (!first)
                    {
                        var best = Vector512.Load(to);
                        sum = down is null ? Vector512.Max(best, sum) : Vector512.ConditionalSelect(Vector512.Load(down + j0 + i), Vector512.Min(best, sum), Vector512.Max(best, sum));
                    }
                    sum.Store(to);
                }
            }
            for (; i < end; i++)
            {
                long value = bias[j0 + i] + Product(low, i);
                long* to = target + j0 + i;
                *to = first ? value : down is not null && down[j0 + i] < 0 ? Math.Min(*to, value) : Math.Max(*to, value);
            }
        }
    }

    /// <summary>
    /// <see cref="CombineMax"/> for two rows of one pool window (max-pool, no min): the larger of their 64-bit
    /// products plus the bias (max(a + b, c + b) = max(a, c) + b, exact in 64 bits), one read and write of the window's values.
    /// </summary>
    private void CombineMaxPair(int* sums0, int* sums1, long* bias, long* target, bool first)
    {
        for (int panel = 0; panel < Panels; panel++)
        {
            int at = panel * 2 * SlotDotCode.PanelOutputs;
            int* low0 = sums0 + at, low1 = sums1 + at;
            int j0 = panel * SlotDotCode.PanelOutputs, end = Math.Min(SlotDotCode.PanelOutputs, Outputs - j0), i = 0;
            for (; i + 8 <= end; i += 8)
            {
                var sum = Vector512.Max(Products(low0, i), Products(low1, i)) + Vector512.Load(bias + j0 + i);
                long* to = target + j0 + i;
                if (!first) sum = Vector512.Max(Vector512.Load(to), sum);
                sum.Store(to);
            }
            for (; i < end; i++)
            {
                long value = Math.Max(Product(low0, i), Product(low1, i)) + bias[j0 + i];
                target[j0 + i] = first ? value : Math.Max(target[j0 + i], value);
            }
        }
    }

    /// <summary>Outputs i..i+7 of a panel from its 32-bit sums (<paramref name="low"/>, the high halves <see cref="SlotDotCode.PanelOutputs"/> further on): low + (high &lt;&lt; L).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Vector512<long> Products(int* low, int i)
    {
        var product = Avx512F.ConvertToVector512Int64(Vector256.Load(low + i));
        return High ? product + (Avx512F.ConvertToVector512Int64(Vector256.Load(low + SlotDotCode.PanelOutputs + i)) << LowBits) : product;
    }

    /// <summary>Output i of a panel, as <see cref="Products"/>.</summary>
    private long Product(int* low, int i) => low[i] + (High ? (long)low[SlotDotCode.PanelOutputs + i] << LowBits : 0);

    /// <summary>One row: addend + (high &lt;&lt; L) + low, per output (the addend is the bias, or the target itself after the first group).</summary>
    private void Combine(int* sums, long* bias, long* target)
    {
        for (int panel = 0; panel < Panels; panel++)
        {
            int* low = sums + (panel * 2 * SlotDotCode.PanelOutputs);
            int j0 = panel * SlotDotCode.PanelOutputs, end = Math.Min(SlotDotCode.PanelOutputs, Outputs - j0), i = 0;
            if (Avx512F.IsSupported)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var sum = Products(low, i) + Vector512.Load(bias + j0 + i);
                    sum.Store(target + j0 + i);
                }
            }
            for (; i < end; i++) target[j0 + i] = bias[j0 + i] + Product(low, i);
        }
    }
}
