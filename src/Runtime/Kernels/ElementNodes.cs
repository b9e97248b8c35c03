using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The packed engine's per-element integer nodes outside convolution blocks (relu, shift, clamp,
/// threshold: <see cref="ElementStep"/> over the whole batch at once), chunk-sums without
/// segments and argmax: vectorized, single-threaded, same integers as the golden kernel.
/// </summary>
internal sealed class ElementNodes
{
    private readonly Dictionary<string, ElementStep> _steps = [];
    private readonly HashSet<string> _chunkSums = [];
    private readonly HashSet<string> _argMaxes = [];

    private readonly ValueArrays _arrays;

    public ElementNodes(Graph.Graph graph, ValueArrays arrays)
    {
        _arrays = arrays;
        foreach (var node in graph.Nodes.Where(n => n.Operands.Count == 1 && graph.Contains(n.Operands[0]) && graph.Operand(n).Type.Kind == ValueKind.Int))
        {
            if (node.Op == Ops.ChunkSum && !node.Has("segment")) _chunkSums.Add(node.Name);
            else if (node.Op == Ops.ArgMax) _argMaxes.Add(node.Name);
            else if (ElementStep.For(node, node.Type.Length) is { } step) _steps[node.Name] = step;
        }
    }

    public bool Runs(Node node) => _steps.ContainsKey(node.Name) || _chunkSums.Contains(node.Name) || _argMaxes.Contains(node.Name);

    public GraphValue? TryEvaluate(Node node, GraphValue[] operands)
    {
        if (_chunkSums.Contains(node.Name)) return ChunkSums(node, (IntValue)operands[0], _arrays);
        if (_argMaxes.Contains(node.Name))
        {
            // in this thread: the golden kernel's Parallel.For costs more than a batch's few argmaxes
            var scores = (IntValue)operands[0];
            var classes = _arrays.Rent<long>(scores.Rows);
            for (int r = 0; r < scores.Rows; r++) classes[r] = ArgMax.Of<long>(scores.Row(r));
            return new IntValue(scores.Rows, 1, classes, node.Type.Scale);
        }
        if (!_steps.TryGetValue(node.Name, out var step)) return null;
        var x = (IntValue)operands[0];
        if (step.MakesBits)
        {
            var bits = _arrays.Rent<byte>(x.Data.Length);
            step.Apply(x.Data, bits);
            return new BitsValue(x.Rows, x.Length, bits, node.Type.Encoding);
        }
        var data = _arrays.Rent<long>(x.Data.Length);
        step.Apply(x.Data, data);
        return new IntValue(x.Rows, x.Length, data, node.Type.Scale);
    }

    private static IntValue ChunkSums(Node node, IntValue x, ValueArrays arrays)
    {
        var chunks = new Chunks(x.Length, (int)node.Int("chunk"));
        var sums = arrays.Rent<long>(x.Rows * chunks.Count);
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            if (chunks.Size % 8 == 0 && x.Length % chunks.Size == 0)
            {
                MagnitudeSums(row, chunks.Size, sums.AsSpan(r * chunks.Count, chunks.Count));
                continue;
            }
            for (int c = 0; c < chunks.Count; c++) sums[(r * chunks.Count) + c] = TensorPrimitives.SumOfMagnitudes<long>(row.Slice(chunks.Start(c), chunks.LengthOf(c)));
        }
        return new IntValue(x.Rows, chunks.Count, sums, node.Type.Scale);
    }

    /// <summary>sum |v| over each chunk of <paramref name="chunk"/> values (a multiple of 8), a vector of 8 at a time.</summary>
    public static void MagnitudeSums(ReadOnlySpan<long> values, int chunk, Span<long> sums)
    {
        ref long first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
        for (int c = 0; c < sums.Length; c++)
        {
            var sum = Vector512<long>.Zero;
            for (int i = c * chunk, end = i + chunk; i < end; i += 8) sum += Vector512.Abs(Vector512.LoadUnsafe(ref first, (nuint)i));
            sums[c] = Vector512.Sum(sum);
        }
    }
}
