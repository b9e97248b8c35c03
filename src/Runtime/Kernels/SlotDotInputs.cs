using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>A slot-dot bin-dot that reads a threshold of x and the chunk sums of the same x, fused into one node of operand x.</summary>
internal sealed record SlotDotInputs(Node Threshold, Node Sums, Node BinDot)
{
    /// <summary>The fused node's op: known to this engine only, never in a graph the compiler writes.</summary>
    public const string FusedOp = "fused-slot-dot";

    /// <summary>
    /// Replaces each such bin-dot (its threshold and chunk sums read by it alone, the sums' chunks its chunks, on the
    /// slot-dot kernels with these options) by one node reading x: the bits then go straight into packed words and
    /// the sums into the records, row by row, instead of a byte per bit and a sums array between three nodes.
    /// </summary>
    public static (Graph.Graph Graph, IReadOnlyDictionary<string, SlotDotInputs> Fused) Fuse(Graph.Graph graph, KernelOptions options)
    {
        var fused = new Dictionary<string, SlotDotInputs>();
        foreach (var dot in graph.Nodes.Where(n => n.Op == Ops.BinDot && n.Operands.Count == 2 && graph.Contains(n.Operands[0]) && graph.Contains(n.Operands[1])))
        {
            var (bits, sums) = (graph.Operand(dot, 0), graph.Operand(dot, 1));
            if (bits.Op != Ops.Threshold || sums.Op != Ops.ChunkSum || bits.Operands.Count != 1 || sums.Operands.Count != 1) continue;
            if (bits.Operands[0] != sums.Operands[0] || !graph.Contains(bits.Operands[0]) || graph.Operand(bits).Type.Kind != ValueKind.Int) continue;
            if (sums.Has("segment") || sums.Int("chunk") != dot.Int("chunk") || sums.Int("chunk") % 8 != 0) continue;
            if (graph.Users(bits.Name).Count() != 1 || graph.Users(sums.Name).Count() != 1 || bits == graph.Output || sums == graph.Output) continue;
            if (ElementStep.For(bits, bits.Type.Length) is not { Packs: true } || PackedBinDot.Pack(dot) is not { } packed) continue;
            if (PackedBinDot.SlotsFor(new PackedBinDot.Prepared(dot, packed), bits.Type, sums.Type, options) is null) continue;
            fused[dot.Name] = new SlotDotInputs(bits, sums, dot);
        }
        if (fused.Count == 0) return (graph, fused);
        var dropped = fused.Values.SelectMany(f => new[] { f.Threshold.Name, f.Sums.Name }).ToHashSet();
        var nodes = graph.Nodes.Where(n => !dropped.Contains(n.Name))
            .Select(n => fused.TryGetValue(n.Name, out var f) ? new Node(n.Name, FusedOp, [f.Threshold.Operands[0]], [], n.Type) : n);
        return (new Graph.Graph(graph.Name, [.. nodes]), fused);
    }
}
