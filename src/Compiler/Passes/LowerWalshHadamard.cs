using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// A WalshHadamard layer on integers or bits x (scale s) becomes the fast transform's integer
/// ops: zero-pad (when x is shorter than the transform), then log2(n) butterfly stages with spans
/// 1, 2, ..., n/2, the first applying the sign vector. Each stage is n/2 additions and n/2
/// subtractions and widens its input by one bit (<see cref="ButterflyRanges"/>), so every width is
/// proven and nothing wraps. The 2^-shift normalization is the last stage's scale, s 2^-shift:
/// exact. A learned diagonal (scale g, bias b), and a BatchNorm that is the layer's only reader,
/// become one per-element shift-add <c>scale</c> op: exact for power-of-two g without a bias or
/// BatchNorm (a shift per element), else g quantized to --coef-bits signed fixed point.
/// Declared bound: 0 for the transform; the quantization error of the diagonal when there is one.
/// </summary>
public sealed class LowerWalshHadamard : Pass
{
    public override string Name => "lower-walsh-hadamard";
    public override string Description => "WalshHadamard becomes zero-pad and log2(n) add/subtract butterfly stages (+ a shift-add diagonal)";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        // Only transforms whose input was integer before this run: a transform reading one lowered in
        // the same run would declare its bound against the real-valued input it no longer gets.
        var ready = graph.Nodes.Where(n => n.Op == Ops.WalshHadamard && graph[n.Operands[0]].Type.Kind != ValueKind.Real).ToList();
        foreach (var layer in ready) Lower(context, layer, graph[layer.Operands[0]]);
        return ready.Count > 0;
    }

    private static void Lower(PassContext context, Node layer, Node x)
    {
        var graph = context.Graph;
        int size = (int)layer.Int("size");
        int stages = System.Numerics.BitOperations.Log2((uint)size);
        double inputScale = x.Type.Kind == ValueKind.Int ? x.Type.Scale : 1;
        var norm = AffineFolding.FollowingBatchNorm(graph, layer);
        var scale = layer.Find("scale") as RealTensorAttr;
        var bias = layer.Find("bias") as RealTensorAttr;
        bool diagonal = scale is not null || bias is not null || norm is not null;

        var chain = new List<Node>();
        GraphType TypeOf(string name) => chain.Find(n => n.Name == name)?.Type ?? graph[name].Type;
        Node Add(Node node)
        {
            node = node with { Type = RangeRules.Infer(node, TypeOf) };
            chain.Add(node);
            return node;
        }

        var current = x;
        if (x.Type.Length < size)
            current = Add(new Node(graph.Fresh(layer.Name + ".pad"), Ops.ZeroPad, [x.Name], GraphType.Int(size, 0, 0, inputScale)));
        for (int s = 0; s < stages; s++)
        {
            bool last = s == stages - 1;
            string name = last && !diagonal ? layer.Name : graph.Fresh($"{layer.Name}.s{s}");
            double stageScale = last ? Math.ScaleB(inputScale, -(int)layer.Int("shift")) : inputScale;
            var butterfly = new Node(name, Ops.Butterfly, [current.Name], GraphType.Int(size, 0, 0, stageScale), ("span", new IntAttr(1L << s)));
            if (s == 0) butterfly = butterfly.With("signs", layer.Get("signs"));
            current = Add(butterfly);
        }

        double bound = 0;
        if (diagonal)
        {
            var (node, error) = Diagonal(layer.Name, current, scale, bias, norm, context.Options.CoefBits);
            Add(node);
            bound = error;
        }
        graph.InsertBefore(layer.Name, [.. chain.SkipLast(1)]);
        graph.Replace(layer.Name, chain[^1]);
        string replaced = layer.Name;
        if (norm is not null)
        {
            graph.ReplaceUses(norm.Name, layer.Name);
            graph.Remove(norm.Name);
            replaced = norm.Name;
        }
        context.Corresponds(replaced, layer.Name, bound);
    }

    /// <summary>y_j = A_j (g_j v_j + b_j) + C_j, with (A, C) the BatchNorm's affine map, as one scale node.</summary>
    private static (Node Node, double Error) Diagonal(string name, Node v, RealTensorAttr? scale, RealTensorAttr? bias, Node? norm, int coefBits)
    {
        int n = v.Type.Length;
        var a = new double[n];
        var c = new double[n];
        for (int j = 0; j < n; j++)
        {
            var (na, nc) = AffineFolding.Affine(norm, j);
            double g = scale?.Data[j] ?? 1, b = bias?.Data[j] ?? 0;
            a[j] = na * g;
            c[j] = (na * b) + nc;
        }
        if (norm is null && bias is null && a.All(IsPowerOfTwoOrZero)) return (Shifts(name, v, a), 0);
        var (node, error) = AffineFolding.ScaleAfter(name, v, a, c, coefBits);
        if (norm is not null) node = node.With(AffineFolding.TypicalAttr, new RealAttr(AffineFolding.TypicalMagnitude(norm)));
        return (node, error);
    }

    private static bool IsPowerOfTwoOrZero(double g) => g == 0 || Math.Abs(g) == Math.ScaleB(1.0, Math.ILogB(g));

    /// <summary>g_j = +-2^e_j (or 0): mul_j = +-2^(e_j - min e), the output's scale v's scale times 2^(min e). Exact.</summary>
    private static Node Shifts(string name, Node v, double[] g)
    {
        var exponents = g.Where(x => x != 0).Select(Math.ILogB).DefaultIfEmpty(0).ToList();
        int lowest = exponents.Min();
        var mul = g.Select(x => x == 0 ? 0L : Math.Sign(x) * (1L << (Math.ILogB(x) - lowest))).ToArray();
        return new Node(name, Ops.Scale, [v.Name], GraphType.Int(v.Type.Length, 0, 0, Math.ScaleB(v.Type.Scale, lowest)),
            ("mul", new IntTensorAttr([mul.Length], mul)), ("shift", new IntAttr(0)));
    }
}
