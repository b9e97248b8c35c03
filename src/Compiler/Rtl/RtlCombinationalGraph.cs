namespace HwFlow.Compiler.Rtl;

/// <summary>
/// Which signals of a module feed which others within one clock cycle: through cells, and
/// through an instance from a child input to a child output when the child connects them
/// combinationally. Registers and memory read ports cut every path (their outputs change only
/// on the clock edge).
/// </summary>
internal sealed class RtlCombinationalGraph
{
    private readonly RtlModule _module;
    private readonly Dictionary<RtlSignal, List<(RtlSignal To, string Via)>> _edges = [];

    /// <param name="childPaths">For each known child module: output port -> the input ports it depends on combinationally.</param>
    public RtlCombinationalGraph(RtlModule module, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>> childPaths)
    {
        _module = module;
        foreach (var cell in module.Cells)
            foreach (var input in cell.Inputs)
                Edge(input, cell.Output, RtlTextSyntax.Word(cell.Op));
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
        var state = new Dictionary<RtlSignal, int>(); // 1 = on the current path, 2 = done
        foreach (var start in Nodes())
        {
            if (state.ContainsKey(start)) continue;
            var path = new List<(RtlSignal Node, string Via)> { (start, "") };
            var iterators = new Stack<IEnumerator<(RtlSignal To, string Via)>>();
            state[start] = 1;
            iterators.Push(Successors(start).GetEnumerator());
            while (iterators.Count > 0)
            {
                var it = iterators.Peek();
                if (!it.MoveNext())
                {
                    iterators.Pop();
                    state[path[^1].Node] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                var (to, via) = it.Current;
                if (state.TryGetValue(to, out int s))
                {
                    if (s == 1) return Describe(path, to, via);
                    continue;
                }
                state[to] = 1;
                path.Add((to, via));
                iterators.Push(Successors(to).GetEnumerator());
            }
        }
        return null;
    }

    /// <summary>For each output port, the input ports that reach it without passing a register or memory.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> PortPaths()
    {
        var result = _module.Outputs.ToDictionary(o => o.Name, _ => (IReadOnlySet<string>)new SortedSet<string>(StringComparer.Ordinal));
        foreach (var input in _module.Inputs)
        {
            var seen = new HashSet<RtlSignal> { input };
            var work = new Stack<RtlSignal>([input]);
            while (work.Count > 0)
                foreach (var (to, _) in Successors(work.Pop()))
                    if (seen.Add(to)) work.Push(to);
            foreach (var output in _module.Outputs.Where(seen.Contains))
                ((SortedSet<string>)result[output.Name]).Add(input.Name);
        }
        return result;
    }

    private IEnumerable<RtlSignal> Nodes() => _module.Ports.Concat(_module.Wires).Concat(_edges.Keys);

    private IEnumerable<(RtlSignal To, string Via)> Successors(RtlSignal node) =>
        _edges.TryGetValue(node, out var list) ? list : [];

    private void Edge(RtlSignal from, RtlSignal to, string via)
    {
        if (!_edges.TryGetValue(from, out var list)) _edges[from] = list = [];
        list.Add((to, via));
    }

    private static string Describe(List<(RtlSignal Node, string Via)> path, RtlSignal back, string via)
    {
        int start = path.FindIndex(p => p.Node == back);
        var hops = path.Skip(start + 1).Select(p => $"{p.Node.Name} [{p.Via}]").Append($"{back.Name} [{via}]");
        return $"{back.Name} -> {string.Join(" -> ", hops)}";
    }
}
