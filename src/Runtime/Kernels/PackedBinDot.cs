using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>bin-dot through the packed kernels with the fused <see cref="BinDotSink"/>; weights are packed once, when the engine is built.</summary>
internal sealed unsafe class PackedBinDot
{
    private readonly KernelOptions _options;
    private readonly Dictionary<string, Prepared> _prepared = [];

    public PackedBinDot(Graph.Graph graph, KernelOptions options)
    {
        _options = options;
        foreach (var node in graph.Nodes.Where(n => n.Op == Ops.BinDot))
        {
            if (Pack(node) is { } packed) _prepared[node.Name] = new Prepared(node, packed);
        }
    }

    public bool Runs(Node node) => node.Op == Ops.BinDot && _prepared.ContainsKey(node.Name);

    public GraphValue? TryEvaluate(Node node, GraphValue[] operands)
    {
        if (node.Op != Ops.BinDot || !_prepared.TryGetValue(node.Name, out var prepared)) return null;
        var bits = (BitsValue)operands[0];
        var factors = operands.Length > 1 ? (IntValue)operands[1] : null;
        var coding = bits.Encoding == BitEncoding.ZeroOne ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;
        var weights = prepared.Weights;
        var activations = Pack(bits);
        var popCounts = BinaryGemm.ActivationPopCounts(activations, weights.Chunks, coding);
        var result = new long[bits.Rows * weights.Outputs];
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
