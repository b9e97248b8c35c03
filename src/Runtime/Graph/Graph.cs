namespace HwFlow.Runtime.Graph;

/// <summary>
/// A straight-line dataflow graph: nodes in definition order (every operand is defined before
/// it is used); the last node is the single <c>output</c>. Both the layer-level graph and the
/// integer graph that the hardware implements are graphs; only their ops and types differ.
/// </summary>
public sealed class Graph
{
    private readonly Dictionary<string, Node> _byName;

    public Graph(string name, IReadOnlyList<Node> nodes)
    {
        Name = name;
        Nodes = nodes;
        _byName = new Dictionary<string, Node>(nodes.Count);
        foreach (var node in nodes)
        {
            foreach (var operand in node.Operands)
            {
                if (!_byName.ContainsKey(operand))
                    throw new InvalidOperationException($"%{node.Name} uses %{operand} before it is defined");
            }
            if (!_byName.TryAdd(node.Name, node)) throw new InvalidOperationException($"%{node.Name} is defined twice");
        }
        if (nodes.Count == 0 || nodes[^1].Op != Ops.Output)
            throw new InvalidOperationException("a graph ends with its output node");
    }

    public string Name { get; }
    public IReadOnlyList<Node> Nodes { get; }
    public Node Output => Nodes[^1];
    public Node Input => Nodes.First(n => n.Op == Ops.Input);
    public Node this[string name] => _byName.TryGetValue(name, out var node) ? node : throw new KeyNotFoundException($"no value %{name}");
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The node whose value <paramref name="node"/> reads as its operand number <paramref name="index"/>.</summary>
    public Node Operand(Node node, int index = 0) => this[node.Operands[index]];

    /// <summary>Nodes reading the value <paramref name="name"/>.</summary>
    public IEnumerable<Node> Users(string name) => Nodes.Where(n => n.Operands.Contains(name));

    public override string ToString() => GraphPrinter.Print(this);
}
