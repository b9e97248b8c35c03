using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The packed engine's fast Walsh-Hadamard transform. The integer graph spells a transform as
/// [zero-pad] and log2(n) butterfly stages, one value per stage (each with its proven width);
/// the engine fuses every complete chain whose final range fits 32 bits into one node that runs
/// the whole transform in place on 32-bit lanes (<see cref="FastWalshHadamard"/>). The stages'
/// intermediate values are then not materialized; the chain's last value keeps its name and equals
/// the golden kernel's bit for bit (integer adds in a proven range cannot round or overflow).
/// </summary>
internal static class TransformChains
{
    /// <summary>The fused node's op: known to this engine only, never in a graph the compiler writes.</summary>
    public const string FusedOp = "fused-walsh-hadamard";

    public static Graph.Graph Fuse(Graph.Graph graph)
    {
        var replaced = new Dictionary<string, Node>();
        var dropped = new HashSet<string>();
        foreach (var first in graph.Nodes.Where(n => n.Op == Ops.Butterfly && n.Int("span") == 1))
        {
            var chain = Chain(graph, first);
            if (chain is null) continue;
            var last = chain[^1];
            var input = chain[0].Operands[0];
            var fused = new Node(last.Name, FusedOp, [input], [.. first.Attrs.Where(a => a.Key == "signs")], last.Type);
            replaced[last.Name] = fused;
            dropped.UnionWith(chain.SkipLast(1).Select(n => n.Name));
        }
        if (replaced.Count == 0) return graph;
        return new Graph.Graph(graph.Name, [.. graph.Nodes.Where(n => !dropped.Contains(n.Name)).Select(n => replaced.GetValueOrDefault(n.Name, n))]);
    }

    /// <summary>[zero-pad,] stage span 1, 2, ..., n/2, each read only by the next; null if incomplete or too wide for 32 bits.</summary>
    private static List<Node>? Chain(Graph.Graph graph, Node first)
    {
        var chain = new List<Node>();
        var source = graph.Operand(first);
        if (source.Op == Ops.ZeroPad && graph.Users(source.Name).Count() == 1) chain.Add(source);
        chain.Add(first);
        int n = first.Type.Length;
        var current = first;
        while (current.Int("span") * 2 < n)
        {
            var users = graph.Users(current.Name).ToList();
            if (users is not [{ Op: Ops.Butterfly } next] || next.Int("span") != current.Int("span") * 2) return null;
            chain.Add(next);
            current = next;
        }
        return current.Type.Min >= int.MinValue && current.Type.Max <= int.MaxValue ? chain : null;
    }
}

/// <summary>Runs the fused transform nodes of <see cref="TransformChains"/>.</summary>
internal sealed class TransformKernel
{
    public static bool Runs(Node node) => node.Op == TransformChains.FusedOp;

    public static GraphValue? TryEvaluate(Node node, GraphValue[] operands)
    {
        if (!Runs(node)) return null;
        var x = operands[0];
        int n = node.Type.Length, m = x.Length;
        var signs = (node.Find("signs") as IntTensorAttr)?.Data;
        var result = new long[x.Rows * n];
        Parallel.For(0, x.Rows, () => new int[n], (r, _, buffer) =>
        {
            for (int i = 0; i < m; i++)
            {
                long value = x is IntValue ints ? ints.Data[(r * m) + i] : ((BitsValue)x).Signed(r, i);
                buffer[i] = (int)(signs is null ? value : value * signs[i]);
            }
            Array.Clear(buffer, m, n - m);
            FastWalshHadamard.Transform(buffer);
            for (int i = 0; i < n; i++) result[(r * n) + i] = buffer[i];
            return buffer;
        }, _ => { });
        return new IntValue(x.Rows, n, result, node.Type.Scale);
    }
}
