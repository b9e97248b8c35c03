using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Stages;

/// <summary>
/// A Walsh-Hadamard transform on the input bytes, in front of the first matrix-vector stage:
/// the zero-pad (when the input is shorter than the transform), the log2(n) butterfly stages
/// (spans 1, 2, ..., n/2, the first with the sign vector), and the elementwise ops after it up to
/// the value the first binary stage reads.
/// </summary>
public sealed record TransformStage(string Name, int InputLength, IReadOnlyList<Node> Butterflies, IReadOnlyList<PostOp> PostOps, GraphType OutputType)
{
    /// <summary>n, a power of two.</summary>
    public int Size => Butterflies[0].Type.Length;

    public int OutputWidth => OutputType.Width;

    /// <summary>The last butterfly: the transform's raw output (the post-ops read it).</summary>
    public Node Last => Butterflies[^1];

    /// <summary>
    /// The transform reading the input bytes, or null when the graph has none; a transform the
    /// generator cannot build (stacked, after a matrix-vector layer, or not a whole transform) is refused by name.
    /// </summary>
    public static TransformStage? Find(Graph graph, Func<Node, Node> boundaryOfFirstMvu)
    {
        var all = graph.Nodes.Where(n => n.Op is Ops.ZeroPad or Ops.Butterfly).ToList();
        if (all.Count == 0) return null;
        var node = graph.Input;
        var chain = new List<Node>();
        while (graph.Users(node.Name).ToList() is [var next] && (next.Op == Ops.Butterfly || (next.Op == Ops.ZeroPad && chain.Count == 0)))
        {
            if (next.Op == Ops.Butterfly && next.Int("span") != 1L << chain.Count(n => n.Op == Ops.Butterfly)) break;
            chain.Add(next);
            node = next;
        }
        var butterflies = chain.Where(n => n.Op == Ops.Butterfly).ToList();
        if (butterflies.Count == 0 || butterflies[^1].Int("span") * 2 != butterflies[^1].Type.Length)
            throw Unsupported(all[0], "only a Walsh-Hadamard transform reading the input bytes has a hardware generator (a transform after a matrix-vector layer does not yet)");
        if (all.Count > chain.Count)
            throw Unsupported(all.First(n => !chain.Contains(n)), "only one Walsh-Hadamard transform, on the input bytes, has a hardware generator (stacked transforms D1 H D2 H ... do not yet)");
        var mvu = graph.Nodes.FirstOrDefault(n => n.Op is Ops.Dense or Ops.BinDot)
            ?? throw new UserError($"model {graph.Name} has no BinLayer after its Walsh-Hadamard transform: there is no hardware to generate");
        if (mvu.Op != Ops.BinDot)
            throw Unsupported(mvu, "after a Walsh-Hadamard transform the next matrix-vector layer must be a BinLayer");
        var boundary = boundaryOfFirstMvu(mvu);
        var postOps = new List<PostOp>();
        for (var v = boundary; v.Name != butterflies[^1].Name; v = graph.Operand(v))
        {
            if (!StagePlanner.IsPostOp(v))
                throw Unsupported(v, "between the Walsh-Hadamard transform and the first BinLayer only elementwise ops are supported");
            postOps.Insert(0, new PostOp(v));
        }
        return new TransformStage(butterflies[^1].Name, graph.Input.Type.Length, butterflies, postOps, boundary.Type);
    }

    private static UserError Unsupported(Node node, string why) =>
        new($"{ModelImporter.Describe(node)}: cannot generate hardware: {why}");
}
