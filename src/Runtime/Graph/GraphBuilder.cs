namespace HwFlow.Runtime.Graph;

/// <summary>
/// An editable copy of a graph for passes: replace, insert or remove nodes and redirect uses,
/// then <see cref="Build"/> a new immutable graph (which checks definition order again).
/// </summary>
public sealed class GraphBuilder
{
    private readonly List<Node> _nodes;
    private readonly HashSet<string> _names;
    private int _counter;

    public GraphBuilder(Graph graph)
    {
        Name = graph.Name;
        _nodes = [.. graph.Nodes];
        _names = [.. graph.Nodes.Select(n => n.Name)];
    }

    public GraphBuilder(string name)
    {
        Name = name;
        _nodes = [];
        _names = [];
    }

    public string Name { get; }
    public IReadOnlyList<Node> Nodes => _nodes;

    public Node this[string name] => _nodes.Find(n => n.Name == name) ?? throw new KeyNotFoundException($"no value %{name}");

    /// <summary>A name not used yet: prefix, prefix.1, prefix.2, ...</summary>
    public string Fresh(string prefix)
    {
        if (_names.Add(prefix)) return prefix;
        string name;
        do name = $"{prefix}.{++_counter}"; while (!_names.Add(name));
        return name;
    }

    public Node Add(Node node)
    {
        _names.Add(node.Name);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Puts <paramref name="replacement"/> where the node named <paramref name="name"/> was (same or new name).</summary>
    public void Replace(string name, Node replacement)
    {
        int at = IndexOf(name);
        _names.Add(replacement.Name);
        _nodes[at] = replacement;
    }

    public void InsertBefore(string name, params Node[] nodes)
    {
        int at = IndexOf(name);
        foreach (var n in nodes) _names.Add(n.Name);
        _nodes.InsertRange(at, nodes);
    }

    public void InsertAfter(string name, params Node[] nodes)
    {
        int at = IndexOf(name);
        foreach (var n in nodes) _names.Add(n.Name);
        _nodes.InsertRange(at + 1, nodes);
    }

    public void Remove(string name) => _nodes.RemoveAt(IndexOf(name));

    /// <summary>Makes every reader of <paramref name="from"/> (after its definition) read <paramref name="to"/> instead.</summary>
    public void ReplaceUses(string from, string to, string? except = null)
    {
        for (int i = 0; i < _nodes.Count; i++)
        {
            var node = _nodes[i];
            if (node.Name == except || !node.Operands.Contains(from)) continue;
            _nodes[i] = node with { Operands = node.Operands.Select(o => o == from ? to : o).ToList() };
        }
    }

    public IEnumerable<Node> Users(string name) => _nodes.Where(n => n.Operands.Contains(name));

    public Graph Build() => new(Name, [.. _nodes]);

    private int IndexOf(string name)
    {
        int at = _nodes.FindIndex(n => n.Name == name);
        return at >= 0 ? at : throw new KeyNotFoundException($"no value %{name}");
    }
}
