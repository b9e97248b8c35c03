using System.Runtime.Intrinsics;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>bin-dot through the packed kernels with the fused <see cref="BinDotSink"/>; weights are packed once, when the engine is built.</summary>
internal sealed unsafe class PackedBinDot
{
    private readonly KernelOptions _options;
    private readonly Dictionary<string, Prepared> _prepared = [];
    private readonly Dictionary<string, SlotDot> _slots = [];

    private readonly ValueArrays _arrays;
    private readonly ThreadLocal<AlignedBuffer<byte>> _records = new(() => new AlignedBuffer<byte>(0));

    private readonly Dictionary<string, ElementStep> _thresholds = [];

    public PackedBinDot(Graph.Graph graph, KernelOptions options, ValueArrays arrays, IReadOnlyDictionary<string, SlotDotInputs>? fused = null)
    {
        _options = options;
        _arrays = arrays;
        foreach (var (name, inputs) in fused ?? new Dictionary<string, SlotDotInputs>())
        {
            var prepared = new Prepared(inputs.BinDot, Pack(inputs.BinDot)!);
            _prepared[name] = prepared;
            _slots[name] = SlotsFor(prepared, inputs.Threshold.Type, inputs.Sums.Type, options)!;
            _thresholds[name] = ElementStep.For(inputs.Threshold, inputs.Threshold.Type.Length)!;
        }
        foreach (var node in graph.Nodes.Where(n => n.Op == Ops.BinDot))
        {
            if (Pack(node) is not { } packed) continue;
            var prepared = new Prepared(node, packed);
            _prepared[node.Name] = prepared;
            if (!graph.Contains(node.Operands[0]) || (node.Operands.Count > 1 && !graph.Contains(node.Operands[1]))) continue;
            if (SlotsFor(prepared, graph.Operand(node, 0).Type, node.Operands.Count > 1 ? graph.Operand(node, 1).Type : null, options) is { } slots)
                _slots[node.Name] = slots;
        }
    }

    /// <summary>The bin-dots that run on the slot-dot kernels (tests check that the path they mean to cover runs).</summary>
    internal IReadOnlyCollection<string> SlotNodes => _slots.Keys;

    /// <summary>The fused slot-dots (<see cref="SlotDotInputs"/>) whose records come straight from each pair's 32 values (<see cref="EvaluateWholePairs"/>).</summary>
    internal IEnumerable<string> WholePairNodes =>
        _thresholds.Where(t => WholePairs(_slots[t.Key], t.Value, _prepared[t.Key].Weights.Chunks.ChunkLength, _prepared[t.Key].Weights.Inputs)).Select(t => t.Key);

    /// <summary>
    /// Chunks that are not on 32-bit steps (HBNN's 16) with factors would otherwise run the table lookup and a
    /// 64-bit sink step per chunk and output: on the slot-dot kernels when they are provably exact there.
    /// </summary>
    internal static SlotDot? SlotsFor(Prepared prepared, GraphType bits, GraphType? factors, KernelOptions options)
    {
        if (prepared.ShiftByChunk is not null || PopcountWeights.Fits(prepared.Weights.Chunks) || (factors is not null && factors.Min < 0)) return null;
        var coding = bits.Encoding == BitEncoding.ZeroOne ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;
        return SlotDot.Create(prepared.Weights.Bits, Slot.ForChunks(prepared.Weights.Chunks), prepared.CoefByChunk, prepared.PaddedOutputs,
            coding, factors?.Max ?? 1, options);
    }

    /// <summary>The bin-dot on the slot-dot kernels: each row's slot records, then the kernel over all rows.</summary>
    private IntValue EvaluateSlots(Node node, SlotDot dot, Prepared prepared, BitsValue bits, IntValue? factors) =>
        EvaluateSlots(node, dot, prepared, Pack(bits), factors?.Data, factors?.Length ?? 0);

    /// <summary>The fused form (<see cref="SlotDotInputs"/>): each row's threshold straight into packed words, its chunk sums beside them.</summary>
    private IntValue EvaluateFused(Node node, SlotDot dot, Prepared prepared, IntValue x)
    {
        var step = _thresholds[node.Name];
        int chunk = prepared.Weights.Chunks.ChunkLength, chunks = x.Length / chunk;
        if (WholePairs(dot, step, chunk, x.Length)) return EvaluateWholePairs(node, dot, prepared, step, x);
        var activations = new BitMatrix(x.Rows, x.Length);
        var sums = _arrays.Rent<long>((long)x.Rows * chunks);
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            step.ApplyPacked(row, activations.Row(r), activations.WordsPerRow);
            ElementNodes.MagnitudeSums(row, chunk, sums.AsSpan(r * chunks, chunks));
        }
        var result = EvaluateSlots(node, dot, prepared, activations, sums, chunks);
        _arrays.Release([new IntValue(x.Rows, chunks, sums, 1)]);
        return result;
    }

    /// <summary>Chunks of 16 that are the slot pairs in order (two chunks a pair), one threshold all up: each pair's record straight from 32 values.</summary>
    private static bool WholePairs(SlotDot dot, ElementStep step, int chunk, int length) =>
        chunk == 16 && step.Uniform && Vector512.IsHardwareAccelerated && length % 32 == 0 && dot.Slots.Count == length / 16
        && dot.Slots.Select((slot, i) => slot.Start == 16 * i && slot.Length == 16 && slot.Chunk == i).All(b => b);

    /// <summary>
    /// The fused form in one pass per row: per slot pair, its 32 values' threshold bits (four compares) and the two
    /// chunks' sums of magnitudes go straight into the pair's record, with no packed words or sums array between.
    /// </summary>
    private IntValue EvaluateWholePairs(Node node, SlotDot dot, Prepared prepared, ElementStep step, IntValue x)
    {
        int rows = x.Rows, stride = dot.RecordStride, pairs = x.Length / 32;
        if (_records.Value!.Length < rows * stride) _records.Value = new AlignedBuffer<byte>(rows * stride);
        var records = _records.Value;
        var threshold = Vector512.Create(step.Threshold);
        for (int r = 0; r < rows; r++)
        {
            ref long first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x.Row(r));
            ushort* row = (ushort*)(records.Pointer + ((long)r * stride));
            for (int pair = 0; pair < pairs; pair++)
            {
                var v0 = Vector512.LoadUnsafe(ref first, (nuint)(pair * 32));
                var v1 = Vector512.LoadUnsafe(ref first, (nuint)((pair * 32) + 8));
                var v2 = Vector512.LoadUnsafe(ref first, (nuint)((pair * 32) + 16));
                var v3 = Vector512.LoadUnsafe(ref first, (nuint)((pair * 32) + 24));
                dot.FillPair(row + (pair * (SlotDotCode.RecordBytes / sizeof(ushort))), v0, v1, v2, v3, threshold);
            }
        }
        return RunRecords(node, dot, prepared, records.Pointer, rows, x.Length);
    }

    private IntValue EvaluateSlots(Node node, SlotDot dot, Prepared prepared, BitMatrix activations, long[]? factorValues, int factorLength)
    {
        int rows = activations.Rows, stride = dot.RecordStride;
        if (_records.Value!.Length < rows * stride) _records.Value = new AlignedBuffer<byte>(rows * stride);
        var records = _records.Value;
        fixed (long* factorData = factorValues)
        {
            for (int r = 0; r < rows; r++)
                dot.FillRow((ushort*)(records.Pointer + ((long)r * stride)), activations.RowPointer(r), factorData is null ? null : factorData + ((long)r * factorLength));
        }
        return RunRecords(node, dot, prepared, records.Pointer, rows, activations.Columns);
    }

    /// <summary>The product over <paramref name="rows"/> rows of records (<see cref="SlotDot.RecordStride"/> apart), on the option's threads.</summary>
    private IntValue RunRecords(Node node, SlotDot dot, Prepared prepared, byte* recordData, int rows, int inputs)
    {
        int stride = dot.RecordStride;
        var result = _arrays.Rent<long>(rows * dot.Outputs);
        fixed (long* bias = prepared.Bias)
        fixed (long* target = result)
        {
            long* bias0 = bias, target0 = target;
            int threads = _options.ThreadsFor((long)rows * dot.Outputs * inputs);
            if (threads == 1)
            {
                dot.Run(recordData, rows, bias0, target0);
            }
            else
            {
                // blocks of whole kernel calls, each writing its own rows: the same values in any order
                const int Block = 8 * SlotDotCode.MaxRows;
                Parallel.For(0, (rows + Block - 1) / Block, new ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
                    dot.Run(recordData + ((long)b * Block * stride), Math.Min(Block, rows - (b * Block)), bias0, target0 + ((long)b * Block * dot.Outputs)));
            }
        }
        return new IntValue(rows, dot.Outputs, result, node.Type.Scale);
    }

    public bool Runs(Node node) => (node.Op == Ops.BinDot || node.Op == SlotDotInputs.FusedOp) && _prepared.ContainsKey(node.Name);

    public GraphValue? TryEvaluate(Node node, GraphValue[] operands)
    {
        if (node.Op == SlotDotInputs.FusedOp && _slots.TryGetValue(node.Name, out var fusedDot)) return EvaluateFused(node, fusedDot, _prepared[node.Name], (IntValue)operands[0]);
        if (node.Op != Ops.BinDot || !_prepared.TryGetValue(node.Name, out var prepared)) return null;
        var bits = (BitsValue)operands[0];
        var factors = operands.Length > 1 ? (IntValue)operands[1] : null;
        if (_slots.TryGetValue(node.Name, out var slotDot) && bits.Length == prepared.Weights.Inputs) return EvaluateSlots(node, slotDot, prepared, bits, factors);
        var coding = bits.Encoding == BitEncoding.ZeroOne ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;
        var weights = prepared.Weights;
        var activations = Pack(bits);
        var popCounts = BinaryGemm.ActivationPopCounts(activations, weights.Chunks, coding);
        var result = _arrays.Rent<long>(bits.Rows * weights.Outputs);
        fixed (int* pops = popCounts)
        fixed (long* factorData = factors?.Data)
        fixed (long* coef = prepared.CoefByChunk)
        fixed (long* shift = prepared.ShiftByChunk)
        fixed (long* bias = prepared.Bias)
        fixed (long* target = result)
        {
            var sink = new BinDotSink(new SignedCounts(weights.Chunks, coding, pops), factorData, factors?.Length ?? 0, coef, shift, bias,
                prepared.PaddedOutputs, target, weights.Outputs);
            PackedKernel.Run(activations, weights, coding, sink, _options);
        }
        return new IntValue(bits.Rows, weights.Outputs, result, node.Type.Scale);
    }

    /// <summary>A bin-dot's packed weights and its per-output attributes, transposed to [chunk, output] and padded to whole tiles.</summary>
    internal sealed class Prepared
    {
        public Prepared(Node node, PackedWeights weights)
        {
            Weights = weights;
            int outputs = weights.Outputs;
            PaddedOutputs = ((outputs + PackedWeights.OutputPadding - 1) / PackedWeights.OutputPadding) * PackedWeights.OutputPadding;
            Bias = new long[PaddedOutputs];
            for (int j = 0; j < outputs; j++) Bias[j] = node.IntElement("bias", j);
            CoefByChunk = ByChunk(node.Find("coef") as IntTensorAttr);
            ShiftByChunk = ByChunk(node.Find("shift") as IntTensorAttr);
        }

        public PackedWeights Weights { get; }
        public int PaddedOutputs { get; }
        public long[] Bias { get; }
        public long[]? CoefByChunk { get; }
        public long[]? ShiftByChunk { get; }

        private long[]? ByChunk(IntTensorAttr? attribute)
        {
            if (attribute is null) return null;
            int rows = attribute.Shape[0], outputs = attribute.Shape[1];
            var result = new long[rows * PaddedOutputs];
            for (int c = 0; c < rows; c++)
            {
                for (int j = 0; j < outputs; j++) result[(c * PaddedOutputs) + j] = attribute[c, j];
            }
            return result;
        }
    }

    /// <summary>
    /// Attributes whose meaning this implementation follows; a bin-dot with any other is left to the golden kernel.
    /// "typical" (a folded BatchNorm's range, which requantization reads) does not change what a bin-dot computes.
    /// </summary>
    private static readonly HashSet<string> KnownAttributes = ["weights", "chunk", "coef", "bias", "shift", "typical"];

    public static bool Packable(Node node) =>
        node.Attrs.All(a => KnownAttributes.Contains(a.Key)) && node.IntTensor("weights").Data.All(w => w is 1 or -1);

    /// <summary>The sign bits of W[in, out]; null (left to the golden kernel) when a weight is not +-1.</summary>
    internal static PackedWeights? Pack(Node node)
    {
        if (!Packable(node)) return null;
        var weights = node.IntTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        var bits = new BitMatrix(outputs, inputs);
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++) bits[j, i] = weights.Data[(i * outputs) + j] > 0;
        }
        return new PackedWeights(bits, (int)node.Int("chunk"));
    }

    private static BitMatrix Pack(BitsValue bits)
    {
        var matrix = new BitMatrix(bits.Rows, bits.Length);
        for (int r = 0; r < bits.Rows; r++)
        {
            BytePacking.Pack(bits.Row(r), matrix.Row(r));
        }
        return matrix;
    }
}
