using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The packed CPU engine for the integer graph: the golden kernel's executor with every
/// bin-dot (the binary x binary products) done by the bit-packed kernels, and every dense layer
/// whose sums provably fit 31 bits done with SIMD integers. bin-dot's
/// acc_j = bias_j + sum_c term(P_cj) (factor x coefficient, or a pow2 shift) is the golden
/// kernel's integer arithmetic on exact P, and the narrow dense sums cannot overflow, so the
/// result is bit-identical to the golden kernel. Each Walsh-Hadamard transform runs as one in-place
/// vectorized transform (<see cref="TransformChains"/>), each convolution as one block image by image
/// (<see cref="ConvBlocks"/>), and relu, shift, clamp, threshold and chunk-sum vectorized
/// (<see cref="ElementNodes"/>). Every other op runs the golden kernel's code.
/// </summary>
public static class PackedEngine
{
    public static GraphExecutor Create(Graph.Graph graph, KernelOptions? options = null)
    {
        options ??= KernelOptions.Default;
        var (blocks, convolutions) = ConvBlocks.Fuse(TransformChains.Fuse(graph));
        var (fused, slotInputs) = SlotDotInputs.Fuse(blocks, options);
        return new(fused, checkRanges: false, new PackedOps(fused, convolutions, options, slotInputs));
    }

    /// <summary>The bin-dot nodes the packed kernels run (all whose weights are +-1; the rest fall to the golden kernel).</summary>
    public static IReadOnlyList<string> PackedNodes(Graph.Graph graph) =>
        graph.Nodes.Where(n => n.Op == Ops.BinDot && PackedBinDot.Packable(n)).Select(n => n.Name).ToList();

    /// <summary>
    /// The bin-dots (by name; a convolution block by its last node's name) that run on the slot-dot kernels
    /// with these options: chunks in 16-bit slots, factor and coefficient applied in the kernel.
    /// </summary>
    public static IReadOnlyList<string> SlotDotNodes(Graph.Graph graph, KernelOptions? options = null) => KernelsOf(graph, options).SlotDotNodes;

    /// <summary>The convolution blocks whose first convolution and pool run channel-major (<see cref="PlanePooledDense"/>).</summary>
    public static IReadOnlyList<string> PlaneNodes(Graph.Graph graph, KernelOptions? options = null) => KernelsOf(graph, options).PlaneNodes;

    /// <summary>The convolution blocks whose first convolution and pool run with every weight in a register (<see cref="PooledRowPairCode"/>).</summary>
    public static IReadOnlyList<string> RowPairNodes(Graph.Graph graph, KernelOptions? options = null) => KernelsOf(graph, options).RowPairNodes;

    /// <summary>The convolution blocks whose slot-dot reads its records in place from a padded record image (<see cref="SlotRecordImage"/>).</summary>
    public static IReadOnlyList<string> RecordImageNodes(Graph.Graph graph, KernelOptions? options = null) => KernelsOf(graph, options).RecordImageNodes;

    /// <summary>Of <see cref="RecordImageNodes"/>, those whose pixels' records come from one vector pass over the pixel's channels.</summary>
    public static IReadOnlyList<string> VectorPixelNodes(Graph.Graph graph, KernelOptions? options = null) => KernelsOf(graph, options).VectorPixelNodes;

    /// <summary>Of <see cref="RecordImageNodes"/>, those whose record images the block writing their input builds, image by image (<see cref="RecordImageFeed"/>).</summary>
    public static IReadOnlyList<string> FedRecordImageNodes(Graph.Graph graph, KernelOptions? options = null) => KernelsOf(graph, options).FedRecordImageNodes;

    /// <summary>Of <see cref="RecordImageNodes"/>, those whose slot kernel leaves out the padding cells that all rows of a call share.</summary>
    public static IReadOnlyList<string> PaddingSkipNodes(Graph.Graph graph, KernelOptions? options = null) => KernelsOf(graph, options).PaddingSkipNodes;

    /// <summary>The fused slot-dot bin-dots whose records are filled straight from each slot pair's 32 values.</summary>
    public static IReadOnlyList<string> WholePairNodes(Graph.Graph graph, KernelOptions? options = null)
    {
        options ??= KernelOptions.Default;
        var (blocks, convolutions) = ConvBlocks.Fuse(TransformChains.Fuse(graph));
        var (fused, slotInputs) = SlotDotInputs.Fuse(blocks, options);
        return new PackedOps(fused, convolutions, options, slotInputs).WholePairNodes;
    }

    /// <summary>The packed ops of the graph with its transform chains and convolution blocks fused, for the questions above about which kernel runs where.</summary>
    private static PackedOps KernelsOf(Graph.Graph graph, KernelOptions? options)
    {
        var (fused, convolutions) = ConvBlocks.Fuse(TransformChains.Fuse(graph));
        return new PackedOps(fused, convolutions, options ?? KernelOptions.Default);
    }

    /// <summary>The dense nodes run with 32-bit sums (the rest fall to the golden kernel's 64-bit loop).</summary>
    public static IReadOnlyList<string> NarrowDenseNodes(Graph.Graph graph) =>
        graph.Nodes.Where(n => n.Op == Ops.Dense && NarrowDense.Fits(n, graph.Operand(n))).Select(n => n.Name).ToList();
}

/// <summary>The ops the packed engine takes over from the golden kernel.</summary>
internal sealed class PackedOps : INodeKernel
{
    private readonly ValueArrays _arrays = new();
    private readonly PackedBinDot _binDot;
    private readonly NarrowDense _dense;
    private readonly ElementNodes _elements;
    private readonly Dictionary<string, ConvBlockKernel> _convolutions;

    public PackedOps(Graph.Graph graph, IReadOnlyDictionary<string, ConvBlock> convolutions, KernelOptions options, IReadOnlyDictionary<string, SlotDotInputs>? slotInputs = null)
    {
        _binDot = new(graph, options, _arrays, slotInputs);
        _dense = new(graph, _arrays);
        _elements = new(graph, _arrays);
        _convolutions = convolutions.ToDictionary(b => b.Key, b => new ConvBlockKernel(b.Value, options, _arrays));
        foreach (var reader in _convolutions.Values.Where(c => c.RecordImage is not null))
        {
            // the block that writes a record-image block's input builds the records while each image's values are hot
            string input = reader.InputName;
            if (!_convolutions.TryGetValue(input, out var writer) || writer.FeedOut is not null || !writer.WritesIntegers) continue;
            if (graph.Nodes.Count(n => n.Operands.Contains(input)) != 1) continue;
            reader.FeedIn = writer.FeedOut = new RecordImageFeed(reader.RecordImage!);
        }
        // A conv model's values between layers are wide (fmnist-hbnn-cnn: 6,272 per image): batches whose widest
        // value fits about 2 MB stay in cache from the node that writes it to the one that reads it (measured:
        // 32-64 rows ran 25-30% faster than the executor's 668).
        long widest = graph.Nodes.Max(n => (long)n.Type.Length);
        _batchRows = convolutions.Count == 0 ? int.MaxValue : (int)Math.Clamp((2L << 20) / (8 * widest), 8, 1000);
    }

    private readonly int _batchRows;

    public int BatchRows(int rows) => Math.Min(rows, _batchRows);

    public void Release(IEnumerable<GraphValue> values) => _arrays.Release(values);

    public IReadOnlyList<string> SlotDotNodes =>
        [.. _binDot.SlotNodes.Concat(_convolutions.Where(c => c.Value.UsesSlotDot).Select(c => c.Key)).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> PlaneNodes =>
        [.. _convolutions.Where(c => c.Value.UsesPlanes).Select(c => c.Key).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> RecordImageNodes =>
        [.. _convolutions.Where(c => c.Value.UsesRecordImage).Select(c => c.Key).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> VectorPixelNodes =>
        [.. _convolutions.Where(c => c.Value.UsesVectorPixels).Select(c => c.Key).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> FedRecordImageNodes =>
        [.. _convolutions.Where(c => c.Value.FeedIn is not null).Select(c => c.Key).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> PaddingSkipNodes =>
        [.. _convolutions.Where(c => c.Value.SkipsPadding).Select(c => c.Key).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> WholePairNodes => [.. _binDot.WholePairNodes.Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> RowPairNodes =>
        [.. _convolutions.Where(c => c.Value.UsesRowPairs).Select(c => c.Key).Order(StringComparer.Ordinal)];

    public bool Runs(Node node) => _binDot.Runs(node) || _dense.Runs(node) || TransformKernel.Runs(node) || _convolutions.ContainsKey(node.Name) || _elements.Runs(node);

    public GraphValue Evaluate(Node node, GraphValue[] operands) =>
        (_convolutions.TryGetValue(node.Name, out var convolution) ? convolution.Evaluate(operands[0]) : null)
        ?? _binDot.TryEvaluate(node, operands) ?? _dense.TryEvaluate(node, operands) ?? TransformKernel.TryEvaluate(node, operands)
        ?? _elements.TryEvaluate(node, operands) ?? throw new InvalidOperationException($"the packed engine does not run %{node.Name} ({node.Op})");
}
