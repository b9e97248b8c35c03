using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The golden kernel's per-element integer ops (relu, shift, clamp, threshold) on spans of one
/// image, vectorized, with their per-channel attributes laid out for a channel period (a
/// channels-last image repeats its channels every <see cref="Period"/> elements). Same integer
/// arithmetic as <c>IntegerOps</c>, so the same values.
/// </summary>
internal sealed class ElementStep
{
    private readonly long[] _thresholds = [];
    private readonly long[] _directions = [];

    private ElementStep(Node node, int period)
    {
        Op = node.Op;
        Period = period;
        _kind = node.Op switch { Ops.Relu => IntKind.Relu, Ops.Shift => IntKind.Shift, Ops.Clamp => IntKind.Clamp, _ => IntKind.None };
        switch (node.Op)
        {
            case Ops.Shift:
                Amount = (int)node.Int("amount");
                break;
            case Ops.Clamp:
                (Low, High) = (node.Int("lo"), node.Int("hi"));
                break;
            case Ops.Threshold:
                _thresholds = node.IntElements("t", period)[..period];
                _directions = node.Has("dir") ? node.IntElements("dir", period)[..period] : Enumerable.Repeat(1L, period).ToArray();
                AllUp = _directions.All(d => d == 1);
                Uniform = AllUp && _thresholds.All(t => t == _thresholds[0]);
                break;
        }
        Encoding = node.Type.Encoding;
    }

    public string Op { get; }
    public int Period { get; }
    public int Amount { get; }
    public long Low { get; }
    public long High { get; }
    public bool AllUp { get; }

    /// <summary>A threshold with one value for every channel and every direction up (the unipolar bits' x &gt;= 1): compared against one vector.</summary>
    public bool Uniform { get; }

    /// <summary>A threshold's direction per channel of the period (+1 when it has none).</summary>
    public ReadOnlySpan<long> Directions => _directions;
    public BitEncoding Encoding { get; }
    public bool MakesBits => Op == Ops.Threshold;

    /// <summary>Whether x &lt;= y implies f(x) &lt;= f(y) (bits ordered 0 &lt; 1), so that f commutes with max.</summary>
    public bool NonDecreasing => Op != Ops.Threshold || AllUp;

    /// <summary>
    /// The step for <paramref name="node"/> on images of channel period <paramref name="period"/>,
    /// or null when the node is not one of these ops or its attributes do not repeat with the period
    /// (an attribute tensor of n entries is read at element j mod n, so n must divide the period).
    /// </summary>
    public static ElementStep? For(Node node, int period)
    {
        if (node.Op is not (Ops.Relu or Ops.Shift or Ops.Clamp or Ops.Threshold) || node.Operands.Count != 1) return null;
        foreach (var key in new[] { "t", "dir" })
        {
            if (node.Find(key) is IntTensorAttr tensor && period % tensor.Data.Length != 0) return null;
        }
        return new ElementStep(node, period);
    }

    /// <summary>A uniform threshold's value (<see cref="Uniform"/>).</summary>
    public long Threshold => _thresholds[0];

    /// <summary>Integer to integer (relu, shift, clamp) on one vector, as <see cref="Apply(ReadOnlySpan{long}, Span{long})"/> does it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<long> Vector(Vector512<long> x) => _kind switch
    {
        IntKind.Relu => Vector512.Max(x, Vector512<long>.Zero),
        IntKind.Shift => Vector512.ShiftRightArithmetic(x, Amount),
        IntKind.Clamp => Vector512.Min(Vector512.Max(x, Vector512.Create(Low)), Vector512.Create(High)),
        _ => throw new InvalidOperationException($"{Op} does not give integers"),
    };

    private enum IntKind { None, Relu, Shift, Clamp }

    // the op as a number, so a per-vector switch compares no strings
    private readonly IntKind _kind;

    /// <summary>Integer to integer (relu, shift, clamp); source and target may be the same span.</summary>
    public void Apply(ReadOnlySpan<long> source, Span<long> target)
    {
        if (Vector512.IsHardwareAccelerated && target.Length >= source.Length)
        {
            // plain vector loops: TensorPrimitives' generic paths cost more per call than these few values
            if (Op == Ops.Relu) Vectors(source, target, 0, long.MaxValue, 0);
            else if (Op == Ops.Shift) Vectors(source, target, long.MinValue, long.MaxValue, Amount);
            else if (Op == Ops.Clamp) Vectors(source, target, Low, High, 0);
            else throw new InvalidOperationException($"{Op} does not give integers");
            return;
        }
        switch (Op)
        {
            case Ops.Relu:
                TensorPrimitives.Max(source, 0L, target);
                break;
            case Ops.Shift:
                TensorPrimitives.ShiftRightArithmetic(source, Amount, target);
                break;
            case Ops.Clamp:
                TensorPrimitives.Max(source, Low, target);
                TensorPrimitives.Min(target, High, target);
                break;
            default:
                throw new InvalidOperationException($"{Op} does not give integers");
        }
    }

    /// <summary>target = min(max(source &gt;&gt; shift, low), high), a vector at a time (each op is one of the three).</summary>
    private static void Vectors(ReadOnlySpan<long> source, Span<long> target, long low, long high, int shift)
    {
        ref long from = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source);
        ref long to = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(target);
        var lows = Vector512.Create(low);
        var highs = Vector512.Create(high);
        int i = 0;
        for (; i + Vector512<long>.Count <= source.Length; i += Vector512<long>.Count)
            Vector512.Min(Vector512.Max(Vector512.ShiftRightArithmetic(Vector512.LoadUnsafe(ref from, (nuint)i), shift), lows), highs).StoreUnsafe(ref to, (nuint)i);
        for (; i < source.Length; i++) target[i] = Math.Min(Math.Max(source[i] >> shift, low), high);
    }

    /// <summary>threshold: bit = dir_j * x &gt;= t_j, one byte per bit (the graph's bits).</summary>
    public void Apply(ReadOnlySpan<long> source, Span<byte> target)
    {
        int period = Period;
        int blocks = source.Length / period;
        if (Uniform && Vector512.IsHardwareAccelerated && target.Length >= source.Length)
        {
            // one threshold: the whole span at once, no per-channel vectors to lay out or read
            var threshold = Vector512.Create(_thresholds[0]);
            ref long x0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source);
            ref byte to0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(target);
            ref ulong bytes0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(ByteOfEachBit);
            int i = 0;
            for (; i + Vector512<long>.Count <= source.Length; i += Vector512<long>.Count)
            {
                ulong mask = Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref x0, (nuint)i), threshold).ExtractMostSignificantBits();
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref to0, i), Unsafe.Add(ref bytes0, (int)mask));
            }
            for (; i < source.Length; i++) target[i] = source[i] >= _thresholds[0] ? (byte)1 : (byte)0;
            return;
        }
        if (Vector512.IsHardwareAccelerated && period % Vector512<long>.Count == 0 && target.Length >= source.Length)
        {
            int vectors = period / Vector512<long>.Count;
            Span<Vector512<long>> thresholds = stackalloc Vector512<long>[vectors];
            Span<Vector512<long>> directions = stackalloc Vector512<long>[vectors];
            for (int v = 0; v < vectors; v++)
            {
                thresholds[v] = Vector512.Create<long>(_thresholds.AsSpan(v * Vector512<long>.Count, Vector512<long>.Count));
                directions[v] = Vector512.Create<long>(_directions.AsSpan(v * Vector512<long>.Count, Vector512<long>.Count));
            }
            ref long from = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source);
            ref byte to = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(target);
            ref ulong bytesOf = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(ByteOfEachBit);
            for (int b = 0; b < blocks; b++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    int at = (b * period) + (v * Vector512<long>.Count);
                    var x = Vector512.LoadUnsafe(ref from, (nuint)at);
                    if (!AllUp) x *= directions[v];
                    ulong mask = Vector512.GreaterThanOrEqual(x, thresholds[v]).ExtractMostSignificantBits();
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, at), Unsafe.Add(ref bytesOf, (int)mask));
                }
            }
            return;
        }
        for (int i = 0; i < source.Length; i++)
        {
            int j = i % period;
            target[i] = _directions[j] * source[i] >= _thresholds[j] ? (byte)1 : (byte)0;
        }
    }

    /// <summary>Whether <see cref="ApplyPacked"/> runs: a threshold on whole vectors of channels.</summary>
    public bool Packs => Op == Ops.Threshold && Vector512.IsHardwareAccelerated && Period % Vector512<long>.Count == 0;

    /// <summary>
    /// threshold straight to packed bits: element ch of block b (a pixel's channels) into bit ch % 64 of
    /// words[b * wordsPerBlock + ch / 64], the same bits <see cref="Apply(ReadOnlySpan{long}, Span{byte})"/> gives one per byte.
    /// </summary>
    public void ApplyPacked(ReadOnlySpan<long> source, Span<ulong> words, int wordsPerBlock)
    {
        if (Uniform)
        {
            // one threshold, all up: no per-channel vectors laid out per call (called once per pixel by SlotRecordImage)
            UniformPacked(source, words, wordsPerBlock);
            return;
        }
        int period = Period, vectors = period / Vector512<long>.Count;
        Span<Vector512<long>> thresholds = stackalloc Vector512<long>[vectors];
        Span<Vector512<long>> directions = stackalloc Vector512<long>[vectors];
        for (int v = 0; v < vectors; v++)
        {
            thresholds[v] = Vector512.Create<long>(_thresholds.AsSpan(v * Vector512<long>.Count, Vector512<long>.Count));
            directions[v] = Vector512.Create<long>(_directions.AsSpan(v * Vector512<long>.Count, Vector512<long>.Count));
        }
        ref long first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source);
        ref ulong word = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(words);
        for (int b = 0; b < source.Length / period; b++)
        {
            ref ulong pixel = ref Unsafe.Add(ref word, b * wordsPerBlock);
            for (int w = 0; w < wordsPerBlock; w++) Unsafe.Add(ref pixel, w) = 0;
            for (int v = 0; v < vectors; v++)
            {
                var x = Vector512.LoadUnsafe(ref first, (nuint)((b * period) + (v * Vector512<long>.Count)));
                if (!AllUp) x *= directions[v];
                ulong mask = Vector512.GreaterThanOrEqual(x, thresholds[v]).ExtractMostSignificantBits();
                int j = v * Vector512<long>.Count;
                Unsafe.Add(ref pixel, j >> 6) |= mask << (j & 63);
            }
        }
    }

    private void UniformPacked(ReadOnlySpan<long> source, Span<ulong> words, int wordsPerBlock)
    {
        var threshold = Vector512.Create(_thresholds[0]);
        int period = Period;
        ref long first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source);
        ref ulong word = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(words);
        for (int b = 0; b < source.Length / period; b++)
        {
            ref ulong pixel = ref Unsafe.Add(ref word, b * wordsPerBlock);
            for (int w = 0; w < wordsPerBlock; w++) Unsafe.Add(ref pixel, w) = 0;
            for (int j = 0; j < period; j += Vector512<long>.Count)
            {
                ulong mask = Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref first, (nuint)((b * period) + j)), threshold).ExtractMostSignificantBits();
                Unsafe.Add(ref pixel, j >> 6) |= mask << (j & 63);
            }
        }
    }

    /// <summary>For a mask of 8 bits, the 8 bytes 0/1 (little-endian), so 8 comparisons become bytes in one store.</summary>
    private static readonly ulong[] ByteOfEachBit = [.. Enumerable.Range(0, 256).Select(m => Enumerable.Range(0, 8).Aggregate(0UL, (acc, b) => acc | ((ulong)((m >> b) & 1) << (8 * b))))];
}
