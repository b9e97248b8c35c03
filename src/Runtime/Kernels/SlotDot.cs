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

/// <summary>
/// A bin-dot acc_j = bias_j + sum_c f_c coef_cj P_cj on the slot-dot kernels (<see cref="SlotDotCode"/>):
/// each chunk in 16-bit slots (P_c is the sum of its slots' signed counts), two slots per 32-bit word.
/// Built only when every step is provably exact: |t coef| fits 16 bits (t the slot's signed count,
/// at most its length), and the 32-bit sums of t coef f_low and t coef f_high cannot overflow, the
/// factor split as f = f_high 2^L + f_low with both parts in 15 bits. Then
/// acc = bias + (high &lt;&lt; L) + low in 64 bits equals the golden kernel's chunk-by-chunk sum.
/// A row's input is a record per slot pair (<see cref="SlotDotCode.RecordBytes"/>): the two slots'
/// bits, their offsets (pop(a) when unipolar, the slot length when bipolar), the factors' low and high parts.
/// </summary>
internal sealed unsafe class SlotDot
{
    private readonly AlignedBuffer<byte> _weights;
    private readonly ThreadLocal<AlignedBuffer<int>> _sums;

    private SlotDot(IReadOnlyList<Slot> slots, int outputs, ActivationCoding coding, bool high, int lowBits, bool coefficients)
    {
        Coefficients = coefficients;
        Slots = slots;
        Outputs = outputs;
        Coding = coding;
        High = high;
        LowBits = lowBits;
        Pairs = slots.Count / 2;
        Panels = (outputs + SlotDotCode.PanelOutputs - 1) / SlotDotCode.PanelOutputs;
        _weights = new AlignedBuffer<byte>(Panels * Pairs * SlotDotCode.PairBytes);
        _sums = new ThreadLocal<AlignedBuffer<int>>(() => new AlignedBuffer<int>(SlotDotCode.MaxRows * Panels * 2 * SlotDotCode.PanelOutputs));
    }

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
    public int RecordStride => Pairs * SlotDotCode.RecordBytes;

    /// <summary>
    /// The product for weights W[out, in], coefficients [chunk, coefStride] (null: 1) and factors in
    /// [0, maxFactor] (1 when there are none); null when the CPU lacks the kernels, the slots are not
    /// whole pairs, or a 16-bit product or 32-bit sum could overflow.
    /// </summary>
    public static SlotDot? Create(BitMatrix weights, IReadOnlyList<Slot> slots, long[]? coefByChunk, int coefStride,
        ActivationCoding coding, long maxFactor, KernelOptions options)
    {
        if (!options.WordLanes || !SlotDotCode.Supported || KernelCpu.Resolve(options.Isa) != KernelIsa.Avx512Popcount || slots.Count == 0 || slots.Count % 2 != 0) return null;
        if (maxFactor < 0) return null;
        int outputs = weights.Rows;
        long maxCoef = 1;
        if (coefByChunk is not null)
        {
            maxCoef = 0;
            foreach (var chunk in slots.Where(s => s.Chunk >= 0).Select(s => s.Chunk).Distinct())
            {
                for (int j = 0; j < outputs; j++) maxCoef = Math.Max(maxCoef, Math.Abs(coefByChunk[((long)chunk * coefStride) + j]));
            }
        }
        long maxT = slots.Max(s => s.Length);
        if (maxCoef > short.MaxValue || maxT * maxCoef > short.MaxValue) return null;
        // a bound on one 32-bit sum: every slot's |t coef| times the largest factor part
        var perPart = (Int128)slots.Count * maxT * maxCoef;
        bool high;
        int lowBits;
        if (maxFactor <= short.MaxValue && perPart * maxFactor <= int.MaxValue)
        {
            (high, lowBits) = (false, 15);
        }
        else
        {
            lowBits = 15;
            while (lowBits > 0 && !((maxFactor >> lowBits) <= short.MaxValue && perPart * ((1L << lowBits) - 1) <= int.MaxValue && perPart * (maxFactor >> lowBits) <= int.MaxValue)) lowBits--;
            if (lowBits == 0) return null;
            high = true;
        }

        var dot = new SlotDot(slots, outputs, coding, high, lowBits, coefByChunk is not null);
        var span = dot._weights.Span;
        long sign = coding == ActivationCoding.Bipolar ? -1 : 1; // the kernel forms 2 count - length = -P when bipolar
        for (int panel = 0; panel < dot.Panels; panel++)
        {
            for (int pair = 0; pair < dot.Pairs; pair++)
            {
                var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(span.Slice(((panel * dot.Pairs) + pair) * SlotDotCode.PairBytes, SlotDotCode.PairBytes));
                for (int lane = 0; lane < SlotDotCode.PanelOutputs; lane++)
                {
                    int j = (panel * SlotDotCode.PanelOutputs) + lane;
                    if (j >= outputs) break;
                    uint word = 0, coefs = 0;
                    for (int half = 0; half < 2; half++)
                    {
                        var slot = slots[(2 * pair) + half];
                        if (slot.Chunk < 0) continue;
                        uint bits = 0;
                        for (int b = 0; b < slot.Length; b++) bits |= weights[j, slot.Start + b] ? 1u << b : 0;
                        long coef = sign * (coefByChunk is null ? 1 : coefByChunk[((long)slot.Chunk * coefStride) + j]);
                        word |= bits << (16 * half);
                        coefs |= (uint)(ushort)(short)coef << (16 * half);
                    }
                    words[lane] = word;
                    words[SlotDotCode.PanelOutputs + lane] = coefs;
                }
            }
        }
        return dot;
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

    /// <summary>A row's records from its packed bits (<paramref name="words"/>) and its chunk factors (null: all 1).</summary>
    public void FillRow(ushort* records, ulong* words, long* factors)
    {
        for (int s = 0; s < Slots.Count; s++)
        {
            var slot = Slots[s];
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
        var sums = _sums.Value!;
        int* sumPointer = sums.Pointer;
        long sumStride = (long)Panels * 2 * SlotDotCode.PanelOutputs * sizeof(int);
        var args = new SlotDotArgs
        {
            Weights = _weights.Pointer, Pairs = Pairs, Sums = sumPointer, SumStride = sumStride, Panels = Panels, RecordStride = RecordStride,
        };
        for (int row = 0; row < rows; row += SlotDotCode.MaxRows)
        {
            int count = Math.Min(SlotDotCode.MaxRows, rows - row);
            args.Records = records + ((long)row * RecordStride);
            SlotDotCode.Kernel(count, Coding, High, Coefficients)(&args);
            for (int r = 0; r < count; r++) Combine((int*)((byte*)sumPointer + (r * sumStride)), bias, totals + ((long)(row + r) * Outputs));
        }
    }

    /// <summary>
    /// The max-pool of the product, straight from the kernel's sums: row i belongs to pool window windows[i]
    /// (its outputs at pooled[windows[i] * Outputs]), and a window's first row stores, the others take the
    /// max (the min on channels where <paramref name="down"/> is -1). The rows of no window are never computed.
    /// </summary>
    public void RunPooled(byte* records, int rows, long* bias, long* pooled, int[] windows, bool[] firsts, long[]? down)
    {
        var sums = _sums.Value!;
        int* sumPointer = sums.Pointer;
        long sumStride = (long)Panels * 2 * SlotDotCode.PanelOutputs * sizeof(int);
        var args = new SlotDotArgs
        {
            Weights = _weights.Pointer, Pairs = Pairs, Sums = sumPointer, SumStride = sumStride, Panels = Panels, RecordStride = RecordStride,
        };
        fixed (long* downs = down)
        {
            for (int row = 0; row < rows; row += SlotDotCode.MaxRows)
            {
                int count = Math.Min(SlotDotCode.MaxRows, rows - row);
                args.Records = records + ((long)row * RecordStride);
                SlotDotCode.Kernel(count, Coding, High, Coefficients)(&args);
                for (int r = 0; r < count; r++)
                    CombineMax((int*)((byte*)sumPointer + (r * sumStride)), bias, pooled + ((long)windows[row + r] * Outputs), firsts[row + r], downs);
            }
        }
    }

    private void CombineMax(int* sums, long* bias, long* target, bool first, long* down)
    {
        for (int panel = 0; panel < Panels; panel++)
        {
            int* low = sums + (panel * 2 * SlotDotCode.PanelOutputs);
            int* highSums = low + SlotDotCode.PanelOutputs;
            int j0 = panel * SlotDotCode.PanelOutputs, end = Math.Min(SlotDotCode.PanelOutputs, Outputs - j0), i = 0;
            if (Avx512F.IsSupported)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var sum = Avx512F.ConvertToVector512Int64(Vector256.Load(low + i)) + Vector512.Load(bias + j0 + i);
                    if (High) sum += Avx512F.ConvertToVector512Int64(Vector256.Load(highSums + i)) << LowBits;
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
                long value = bias[j0 + i] + low[i] + (High ? (long)highSums[i] << LowBits : 0);
                long* to = target + j0 + i;
                *to = first ? value : down is not null && down[j0 + i] < 0 ? Math.Min(*to, value) : Math.Max(*to, value);
            }
        }
    }

    /// <summary>One row: bias + (high &lt;&lt; L) + low, per output.</summary>
    private void Combine(int* sums, long* bias, long* target)
    {
        for (int panel = 0; panel < Panels; panel++)
        {
            int* low = sums + (panel * 2 * SlotDotCode.PanelOutputs);
            int* highSums = low + SlotDotCode.PanelOutputs;
            int j0 = panel * SlotDotCode.PanelOutputs, end = Math.Min(SlotDotCode.PanelOutputs, Outputs - j0), i = 0;
            if (Avx512F.IsSupported)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var sum = Avx512F.ConvertToVector512Int64(Vector256.Load(low + i)) + Vector512.Load(bias + j0 + i);
                    if (High) sum += Avx512F.ConvertToVector512Int64(Vector256.Load(highSums + i)) << LowBits;
                    sum.Store(target + j0 + i);
                }
            }
            for (; i < end; i++) target[j0 + i] = bias[j0 + i] + low[i] + (High ? (long)highSums[i] << LowBits : 0);
        }
    }
}
