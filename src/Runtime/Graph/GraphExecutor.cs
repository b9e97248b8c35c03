using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// Executes a graph on a batch of raw input bytes. On the layer-level graph it computes what the
/// float reference computes (same double-precision operations); on the integer graph it is the
/// integer golden kernel, the answer the hardware must match bit for bit. In checked mode every
/// integer result is asserted to lie in its type's proven range.
/// </summary>
public sealed class GraphExecutor
{
    private readonly Graph _graph;
    private readonly bool _checkRanges;
    private readonly INodeKernel? _kernel;
    private readonly Dictionary<string, object> _prepared = [];
    private readonly HashSet<string> _kernelNodes = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long[]> _inputArrays = new();

    /// <param name="kernel">Faster implementations of some ops (e.g. the packed engine's bin-dot); every other op runs here.</param>
    public GraphExecutor(Graph graph, bool checkRanges = false, INodeKernel? kernel = null)
    {
        _graph = graph;
        _checkRanges = checkRanges;
        _kernel = kernel;
        foreach (var node in graph.Nodes)
        {
            if (kernel?.Runs(node) == true)
            {
                // the kernel keeps its own form of the weights; the golden kernel's transpose would go unused
                _kernelNodes.Add(node.Name);
                continue;
            }
            object? prepared = Ops.LayerLevel.Contains(node.Op) ? LayerOps.Prepare(node)
                : Ops.Movement.Contains(node.Op) ? MovementOps.Prepare(node)
                : IntegerOps.Prepare(node);
            if (prepared is not null) _prepared[node.Name] = prepared;
        }
    }

    public Graph Graph => _graph;

    /// <summary>Every node's value for the batch, in graph order.</summary>
    public IReadOnlyDictionary<string, GraphValue> RunAll(ReadOnlySpan<byte> raw, int rows) => RunAll(raw, rows, null);

    /// <param name="inputs">An array of rows x features to hold the input node's integers (null: a new one).</param>
    private Dictionary<string, GraphValue> RunAll(ReadOnlySpan<byte> raw, int rows, long[]? inputs)
    {
        var input = _graph.Input;
        if (raw.Length != rows * input.Type.Length)
            throw new ArgumentException($"expected {rows} x {input.Type.Length} input bytes, got {raw.Length}");
        var values = new Dictionary<string, GraphValue>(_graph.Nodes.Count);
        foreach (var node in _graph.Nodes)
        {
            long clock = Diagnostics.StepClock.Start();
            var value = node.Op == Ops.Input ? InputValue(node, raw, rows, inputs) : Evaluate(node, values);
            Diagnostics.StepClock.Stop(node.Name, "node", clock);
            if (_checkRanges) CheckRange(node, value);
            values[node.Name] = value;
        }
        return values;
    }

    /// <summary>The output value for the batch.</summary>
    public GraphValue Run(ReadOnlySpan<byte> raw, int rows) => RunAll(raw, rows)[_graph.Output.Name];

    /// <summary>
    /// Classes: the argmax result itself, or the argmax of the output vector (first maximum wins).
    /// In batches, so that a convolution's windows (far wider than the input) stay small.
    /// </summary>
    public int[] Classify(ReadOnlySpan<byte> raw, int rows)
    {
        int features = _graph.Input.Type.Length;
        int batch = Batch.Rows(_graph.Nodes.Max(n => (long)n.Type.Length));
        if (_kernel is not null) batch = Math.Clamp(_kernel.BatchRows(batch), 1, batch);
        var classes = new int[rows];
        for (int start = 0; start < rows; start += batch)
        {
            int count = Math.Min(batch, rows - start);
            // the input's integers in an array kept from batch to batch and call to call, by size (a fresh one
            // costs a page fault per 4 KB); a caller takes it out while it runs, so concurrent callers never share one
            if (!_inputArrays.TryRemove(count * features, out var inputs)) inputs = new long[count * features];
            var values = RunAll(raw.Slice(start * features, count * features), count, inputs);
            Classes(values[_graph.Output.Name]).CopyTo(classes, start);
            // only the classes leave this method: the kernel may reuse its values' arrays for the next batch
            _kernel?.Release(values.Values);
            if (_inputArrays.Count < 4) _inputArrays[count * features] = inputs;
        }
        return classes;
    }

    /// <summary>The kernel's op; on a window's receptive fields (P segments a row) it runs on P times as many rows of one segment.</summary>
    private GraphValue EvaluateInKernel(Node node, GraphValue[] operands)
    {
        int segments = node.Op is Ops.Dense or Ops.BinDot ? Segments.Count(node, operands[0].Length) : 1;
        if (segments == 1) return _kernel!.Evaluate(node, operands);
        var one = node with { Type = node.Type with { Length = node.Type.Length / segments } };
        return Segments.Join(_kernel!.Evaluate(one, Array.ConvertAll(operands, o => Segments.Split(o, segments))), segments);
    }

    public static int[] Classes(GraphValue output)
    {
        var classes = new int[output.Rows];
        var reals = new double[output.Length];
        for (int r = 0; r < output.Rows; r++)
        {
            classes[r] = output switch
            {
                IntValue { Length: 1 } index => (int)index.Data[r],
                IntValue { Scale: > 0 } ints => ArgMax.Of<long>(ints.Row(r)), // a positive scale keeps the order
                RealValue real => ArgMax.Of<double>(real.Row(r)),
                _ => ArgMax.Of<double>(RealRow(output, r, reals)),
            };
        }
        return classes;
    }

    private static double[] RealRow(GraphValue value, int r, double[] row)
    {
        for (int i = 0; i < row.Length; i++) row[i] = value.RealAt(r, i);
        return row;
    }

    private GraphValue Evaluate(Node node, Dictionary<string, GraphValue> values)
    {
        var operands = node.Operands.Select(o => values[o]).ToArray();
        _prepared.TryGetValue(node.Name, out var prepared);
        if (node.Op == Ops.Output) return operands[0];
        if (_kernelNodes.Contains(node.Name)) return EvaluateInKernel(node, operands);
        if (Ops.LayerLevel.Contains(node.Op)) return LayerOps.Evaluate((FloatLayer)prepared!, operands[0]);
        if (Ops.Movement.Contains(node.Op)) return MovementOps.Evaluate(node, operands[0], (int[])prepared!);
        if (Ops.IntegerLevel.Contains(node.Op)) return IntegerOps.Evaluate(node, operands, prepared);
        throw new InvalidOperationException($"unknown op '{node.Op}' at %{node.Name}");
    }

    private static GraphValue InputValue(Node node, ReadOnlySpan<byte> raw, int rows, long[]? inputs)
    {
        if (node.Type.Kind == ValueKind.Real)
        {
            double scale = node.Real("scale");
            var data = new double[raw.Length];
            for (int i = 0; i < raw.Length; i++) data[i] = raw[i] * scale;
            return new RealValue(rows, node.Type.Length, data);
        }
        var ints = inputs?.Length == raw.Length ? inputs : new long[raw.Length];
        for (int i = 0; i < raw.Length; i++) ints[i] = raw[i];
        return new IntValue(rows, node.Type.Length, ints, node.Type.Scale);
    }

    private static void CheckRange(Node node, GraphValue value)
    {
        if (node.Type.Kind != ValueKind.Int || value is not IntValue ints) return;
        for (int i = 0; i < ints.Data.Length; i++)
        {
            if (!node.Type.Contains(ints.Data[i]))
                throw new RangeViolationException($"%{node.Name} ({node.Op}) element {i % ints.Length} of sample {i / ints.Length} is {ints.Data[i]}, outside its proven range [{node.Type.Min}, {node.Type.Max}]");
        }
    }
}

/// <summary>An engine's own implementation of some nodes; the golden kernel evaluates every other node.</summary>
public interface INodeKernel
{
    /// <summary>Whether this kernel evaluates <paramref name="node"/> (asked once, when the executor is made).</summary>
    bool Runs(Node node);

    GraphValue Evaluate(Node node, GraphValue[] operands);

    /// <summary>Rows per batch when classifying, given the executor's choice (at most that many are used).</summary>
    int BatchRows(int rows) => rows;

    /// <summary>Called with a batch's values when nothing reads them any more (the kernel may reuse their arrays).</summary>
    void Release(IEnumerable<GraphValue> values)
    {
    }
}

/// <summary>A value left its proven range: a compiler bug (the widths would overflow in hardware).</summary>
public sealed class RangeViolationException(string message) : Exception(message);
