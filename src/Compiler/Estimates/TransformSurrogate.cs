using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Estimates;

/// <summary>
/// The transforms on the input bytes (one, or several stacked with diagonals between them)
/// written as the dense layer they equal: every op on the way is linear and exact (zero-pad,
/// butterflies, a per-element shift-add scale without offset), so its response to each unit
/// input is a column of integer weights, and the dense layer gives the same integers. The stages
/// after it then plan and fold as they would behind the transforms. Until the butterfly network
/// has a generator (issue 16, phase 2) this is how a design with a transform front is planned for
/// estimates, the dense stage then costed as butterfly units (<see cref="TransformCost"/>).
/// </summary>
public static class TransformSurrogate
{
    /// <summary>The linear ops from the input to the last butterfly of the front, in order.</summary>
    public sealed record Front(IReadOnlyList<Node> Nodes)
    {
        public Node Last => Nodes[^1];
        public int Size => Last.Type.Length;

        /// <summary>Each transform as its stages (the first one carries the signs).</summary>
        public IEnumerable<IReadOnlyList<Node>> Transforms()
        {
            var current = new List<Node>();
            foreach (var node in Nodes.Where(n => n.Op == Ops.Butterfly))
            {
                if (node.Int("span") == 1 && current.Count > 0)
                {
                    yield return current;
                    current = [];
                }
                current.Add(node);
            }
            yield return current;
        }

        /// <summary>The diagonals between the transforms.</summary>
        public IEnumerable<Node> Diagonals => Nodes.Where(n => n.Op == Ops.Scale);
    }

    /// <summary>The transforms reading the input bytes, if any, and whether any other transform sits elsewhere.</summary>
    public static (Front? Front, bool OthersElsewhere) Find(Graph graph)
    {
        int butterflies = graph.Nodes.Count(n => n.Op == Ops.Butterfly);
        if (butterflies == 0) return (null, false);
        var walk = new List<Node>();
        var node = graph.Input;
        while (graph.Users(node.Name).ToList() is [var next] && IsLinear(next))
        {
            walk.Add(next);
            node = next;
        }
        int last = walk.FindLastIndex(n => n.Op == Ops.Butterfly && n.Int("span") * 2 == n.Type.Length);
        if (last < 0) return (null, true);
        var front = new Front(walk[..(last + 1)]);
        return (front, front.Nodes.Count(n => n.Op == Ops.Butterfly) < butterflies);
    }

    private static bool IsLinear(Node node) =>
        node.Op is Ops.ZeroPad or Ops.Butterfly || (node.Op == Ops.Scale && node.IntElements("add", node.Type.Length).All(a => a == 0) && node.Int("shift") == 0);

    /// <summary>The graph with the front replaced by one dense node (its response to each unit input), named as its last op.</summary>
    public static Graph Replace(Graph graph, Front front)
    {
        var input = graph.Input;
        int inputs = input.Type.Length, size = front.Size;
        var chain = new Graph("front", [input, .. front.Nodes, new Node("out", Ops.Output, [front.Last.Name], front.Last.Type)]);
        var units = new byte[inputs * inputs];
        for (int j = 0; j < inputs; j++) units[(j * inputs) + j] = 1;
        var response = (IntValue)new GraphExecutor(chain).Run(units, inputs);
        var dense = new Node(front.Last.Name, Ops.Dense, [input.Name], GraphType.Int(size, 0, 0, front.Last.Type.Scale),
            ("weights", new IntTensorAttr([inputs, size], response.Data)));
        dense = dense with { Type = RangeRules.Infer(dense, n => graph[n].Type) };
        var dropped = front.Nodes.SkipLast(1).Select(n => n.Name).ToHashSet();
        return new Graph(graph.Name, [.. graph.Nodes.Where(n => !dropped.Contains(n.Name)).Select(n => n.Name == dense.Name ? dense : n)]);
    }
}
