using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The packed CPU engine for the integer graph: the golden kernel's executor with every
/// bin-dot (the binary x binary products) done by the bit-packed kernels, and every dense layer
/// whose sums provably fit 32 bits done with 32-bit SIMD. bin-dot's
/// acc_j = bias_j + sum_c factor_c * P_cj * coef_cj is integer arithmetic on exact P, and the
/// 32-bit dense sums cannot overflow, so the result is bit-identical to the golden kernel.
/// </summary>
public static class PackedEngine
{
    public static GraphExecutor Create(Graph.Graph graph, KernelOptions? options = null) =>
        new(graph, checkRanges: false, new PackedOps(graph, options ?? KernelOptions.Default));

    /// <summary>The bin-dot nodes the packed kernels run (all whose weights are +-1; the rest fall to the golden kernel).</summary>
    public static IReadOnlyList<string> PackedNodes(Graph.Graph graph) =>
        graph.Nodes.Where(n => n.Op == Ops.BinDot && PackedBinDot.Packable(n)).Select(n => n.Name).ToList();

    /// <summary>The dense nodes run with 32-bit sums (the rest fall to the golden kernel's 64-bit loop).</summary>
    public static IReadOnlyList<string> NarrowDenseNodes(Graph.Graph graph) =>
        graph.Nodes.Where(n => n.Op == Ops.Dense && NarrowDense.Fits(n, graph.Operand(n))).Select(n => n.Name).ToList();
}

/// <summary>The ops the packed engine takes over from the golden kernel.</summary>
internal sealed class PackedOps(Graph.Graph graph, KernelOptions options) : INodeKernel
{
    private readonly PackedBinDot _binDot = new(graph, options);
    private readonly NarrowDense _dense = new(graph);

    public GraphValue? TryEvaluate(Node node, GraphValue[] operands) =>
        _binDot.TryEvaluate(node, operands) ?? _dense.TryEvaluate(node, operands);
}

/// <summary>bin-dot through <see cref="BinaryGemm"/>; weights are packed once, when the engine is built.</summary>
internal sealed class PackedBinDot : INodeKernel
{
    private readonly KernelOptions _options;
    private readonly Dictionary<string, PackedWeights> _weights = [];

    public PackedBinDot(Graph.Graph graph, KernelOptions options)
    {
        _options = options;
        foreach (var node in graph.Nodes.Where(n => n.Op == Ops.BinDot))
        {
            if (Pack(node) is { } packed) _weights[node.Name] = packed;
        }
    }

    public GraphValue? TryEvaluate(Node node, GraphValue[] operands)
    {
        if (node.Op != Ops.BinDot || !_weights.TryGetValue(node.Name, out var weights)) return null;
        var bits = (BitsValue)operands[0];
        var factors = operands.Length > 1 ? (IntValue)operands[1] : null;
        var coef = node.Find("coef") as IntTensorAttr;
        var shifts = node.Find("shift") as IntTensorAttr;
        var coding = bits.Encoding == BitEncoding.ZeroOne ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;
        var counts = BinaryGemm.Multiply(Pack(bits), weights, coding, _options);

        int rows = bits.Rows, outputs = weights.Outputs, chunks = weights.Chunks.Count;
        var result = new long[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < outputs; j++)
            {
                long acc = IntegerOps.Element(node, "bias", j);
                int at = ((r * outputs) + j) * chunks;
                for (int c = 0; c < chunks; c++)
                {
                    long term = counts[at + c];
                    if (shifts is not null)
                    {
                        // pow2 scales: the factor operand is a shift code, 0 meaning a zero chunk scale.
                        long code = factors is null ? 1 : factors.Data[(r * factors.Length) + c];
                        term = code == 0 || shifts[c, j] < 0 ? 0 : term << (int)(code - 1 + shifts[c, j]);
                    }
                    else
                    {
                        if (factors is not null) term *= factors.Data[(r * factors.Length) + c];
                        if (coef is not null) term *= coef[c, j];
                    }
                    acc += term;
                }
                result[(r * outputs) + j] = acc;
            }
        }
        return new IntValue(rows, outputs, result, node.Type.Scale);
    }

    /// <summary>Attributes whose meaning this implementation follows; a bin-dot with any other is left to the golden kernel.</summary>
    private static readonly HashSet<string> KnownAttributes = ["weights", "chunk", "coef", "bias", "shift"];

    public static bool Packable(Node node) =>
        node.Attrs.All(a => KnownAttributes.Contains(a.Key)) && node.IntTensor("weights").Data.All(w => w is 1 or -1);

    /// <summary>The sign bits of W[in, out]; null (left to the golden kernel) when a weight is not +-1.</summary>
    private static PackedWeights? Pack(Node node)
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
            var source = bits.Row(r);
            var target = matrix.Row(r);
            for (int i = 0; i < source.Length; i++)
            {
                if (source[i] != 0) target[i / BitMatrix.WordBits] |= 1UL << (i % BitMatrix.WordBits);
            }
        }
        return matrix;
    }
}
