namespace HwFlow.Compiler.Rtl;

/// <summary>
/// Which signals of a module feed which others within one clock cycle: through cells, and
/// through an instance from a child input to a child output when the child connects them
/// combinationally. Registers and memory read ports cut every path (their outputs change only
/// on the clock edge). Signals are numbered so that large generated modules stay fast.
/// </summary>
internal sealed class RtlCombinationalGraph
{
    private readonly RtlModule _module;
    private readonly Dictionary<RtlSignal, int> _index = [];
    private readonly List<RtlSignal> _signals = [];
    private readonly List<List<(int To, object Via)>?> _edges = [];

    /// <param name="childPaths">For each known child module: output port -> the input ports it depends on combinationally.</param>
    public RtlCombinationalGraph(RtlModule module, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>> childPaths)
    {
        _module = module;
        foreach (var signal in module.Ports.Concat(module.Wires)) Id(signal);
        foreach (var cell in module.Cells)
            foreach (var input in cell.Inputs)
                Edge(input, cell.Output, cell);
        foreach (var instance in module.Instances)
        {
            if (!childPaths.TryGetValue(instance.Module, out var paths)) continue;
            foreach (var (output, inputs) in paths)
            {
                if (!instance.Connections.TryGetValue(output, out var to)) continue;
                foreach (var input in inputs)
                    if (instance.Connections.TryGetValue(input, out var from))
                        Edge(from, to, $"instance {instance.Name} of {instance.Module}, {input} -> {output}");
            }
        }
    }

    /// <summary>The first combinational loop in declaration order, written "a -> b [op] -> ... -> a [op]", or null.</summary>
    public string? FindLoop()
    {
        var state = new byte[_signals.Count]; // 0 = unseen, 1 = on the current path, 2 = done
        var path = new List<(int Node, object? Via)>();
        var next = new List<int>(); // per path entry: the next edge to follow
        for (int start = 0; start < _signals.Count; start++)
        {
            if (state[start] != 0) continue;
            path.Add((start, null));
            next.Add(0);
            state[start] = 1;
            while (path.Count > 0)
            {
                int node = path[^1].Node;
                var edges = _edges[node];
                int e = next[^1];
                if (edges is null || e >= edges.Count)
                {
                    state[node] = 2;
                    path.RemoveAt(path.Count - 1);
                    next.RemoveAt(next.Count - 1);
                    continue;
                }
                next[^1] = e + 1;
                var (to, via) = edges[e];
                if (state[to] == 1) return Describe(path, to, via);
                if (state[to] == 2) continue;
                state[to] = 1;
                path.Add((to, via));
                next.Add(0);
            }
        }
        return null;
    }

    /// <summary>For each output port, the input ports that reach it without passing a register or memory.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> PortPaths()
    {
        var result = _module.Outputs.ToDictionary(o => o.Name, _ => (IReadOnlySet<string>)new SortedSet<string>(StringComparer.Ordinal));
        var seen = new bool[_signals.Count];
        var work = new Stack<int>();
        foreach (var input in _module.Inputs)
        {
            Array.Clear(seen);
            int start = _index[input];
            seen[start] = true;
            work.Push(start);
            while (work.Count > 0)
                foreach (var (to, _) in _edges[work.Pop()] ?? [])
                    if (!seen[to])
                    {
                        seen[to] = true;
                        work.Push(to);
                    }
            foreach (var output in _module.Outputs.Where(o => seen[_index[o]]))
                ((SortedSet<string>)result[output.Name]).Add(input.Name);
        }
        return result;
    }

    private int Id(RtlSignal signal)
    {
        if (_index.TryGetValue(signal, out int id)) return id;
        _index[signal] = id = _signals.Count;
        _signals.Add(signal);
        _edges.Add(null);
        return id;
    }

    private void Edge(RtlSignal from, RtlSignal to, object via)
    {
        int f = Id(from), t = Id(to);
        (_edges[f] ??= []).Add((t, via));
    }

    private string Describe(List<(int Node, object? Via)> path, int back, object via)
    {
        int start = path.FindIndex(p => p.Node == back);
        var hops = path.Skip(start + 1).Select(p => $"{_signals[p.Node].Name} [{Label(p.Via!)}]").Append($"{_signals[back].Name} [{Label(via)}]");
        return $"{_signals[back].Name} -> {string.Join(" -> ", hops)}";
    }

    private static string Label(object via) => via is RtlCell cell ? RtlTextSyntax.Word(cell.Op) : (string)via;
}
