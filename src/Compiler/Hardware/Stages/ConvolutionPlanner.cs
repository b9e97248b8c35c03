using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Hardware.Stages;

/// <summary>
/// The convolutional part of stage planning. Between two matrix-vector nodes the integer graph
/// may hold, besides the elementwise post-ops, a max-pool and then the next convolution's window
/// (a Flatten leaves nothing). The hardware applies every elementwise op at the unit's output,
/// then pools, then windows: exact because the ops the graph places after a pool or a window are
/// shifts and ReLUs, which are monotone (max commutes with them) and map the padding value 0 to 0.
/// </summary>
internal static class ConvolutionPlanner
{
    private static readonly HashSet<string> Commuting = [Ops.Shift, Ops.Relu];

    /// <summary>The operand of a window, or the node itself.</summary>
    public static Node Unwindowed(Graph graph, Node node) => node.Op == Ops.Window ? graph.Operand(node) : node;

    /// <summary>The window in front of the first (dense) layer, on the input bytes, one byte a beat.</summary>
    public static WindowInput? InputWindow(Graph graph, Node first)
    {
        var operand = graph.Operand(first);
        if (operand.Op != Ops.Window) return null;
        return new WindowInput(WindowAttrs.Geometry(operand), graph.Input.Type, operand.Type, 1);
    }

    /// <summary>
    /// Splits the chain from <paramref name="mvu"/> to <paramref name="boundary"/>: the last
    /// elementwise node (the value the stage computes; the unit itself when none), the max-pool,
    /// and the window of the next stage.
    /// </summary>
    public static (Node Last, PoolOutput? Pool, WindowInput? NextWindow) Split(Graph graph, Node mvu, Node boundary, Node? next)
    {
        var chain = Chain(graph, mvu, boundary);
        int poolAt = chain.FindIndex(n => n.Op == Ops.MaxPool);
        int windowAt = chain.FindIndex(n => n.Op == Ops.Window);
        if (poolAt < 0 && windowAt < 0) return (boundary, null, null);
        if (chain.Count(n => Ops.Movement.Contains(n.Op)) > 2 || (poolAt >= 0 && windowAt >= 0 && poolAt > windowAt))
            throw StagePlanner.Unsupported(chain.First(n => Ops.Movement.Contains(n.Op)), $"between {mvu.Name} and the next layer only one max-pool and then one convolution window are supported");
        int firstMove = poolAt >= 0 ? poolAt : windowAt;
        foreach (var node in chain.Skip(firstMove).Where(n => !Ops.Movement.Contains(n.Op)))
        {
            if (!Commuting.Contains(node.Op))
                throw StagePlanner.Unsupported(node, $"after a max-pool or convolution window the hardware applies only {string.Join("/", Commuting)} (they commute with the maximum and keep the padding 0)");
        }
        var last = chain.LastOrDefault(n => !Ops.Movement.Contains(n.Op)) ?? mvu;
        PoolOutput? pool = null;
        if (poolAt >= 0)
        {
            var node = chain[poolAt];
            var g = WindowAttrs.Geometry(node);
            if (g.KernelHeight != g.Stride || g.KernelWidth != g.Stride || g.Padding != 0 || g.OutHeight * g.Stride > g.Height || g.OutWidth * g.Stride > g.Width)
                throw StagePlanner.Unsupported(node, $"the max-pool hardware builds pools whose size equals their stride, without padding or a window past the edge (got {g})");
            pool = new PoolOutput(g, last.Type);
        }
        WindowInput? window = null;
        if (windowAt >= 0)
        {
            var node = chain[windowAt];
            var g = WindowAttrs.Geometry(node);
            var elementType = pool?.ElementType ?? last.Type;
            var outputType = windowAt == chain.Count - 1 ? node.Type : boundary.Type;
            int lanes = next?.Op == Ops.Dense ? 1 : g.Channels;
            window = new WindowInput(g, elementType, outputType, lanes);
        }
        return (last, pool, window);
    }

    /// <summary>The elementwise ops of the chain, in order, movement ops left out.</summary>
    public static List<PostOp> PostOps(Graph graph, Node mvu, Node boundary)
    {
        var ops = new List<PostOp>();
        foreach (var node in Chain(graph, mvu, boundary).Where(n => !Ops.Movement.Contains(n.Op)))
        {
            if (!StagePlanner.PostOpKinds.Contains(node.Op) || node.Operands.Count != 1)
                throw StagePlanner.Unsupported(node, $"between {mvu.Name} and the next stage only elementwise {string.Join("/", StagePlanner.PostOpKinds)} ops, a max-pool and a window are supported");
            ops.Add(new PostOp(node));
        }
        return ops;
    }

    /// <summary>Refuses a convolution whose chunks the window's beats (a pixel each) would split.</summary>
    public static void Check(MvuStage stage)
    {
        if (stage.Window is not { } window || stage.IsDense) return;
        int lanes = window.Lanes, chunk = stage.Chunk;
        if (chunk % lanes != 0 && lanes % chunk != 0)
            throw StagePlanner.Unsupported(stage.Mvu, $"the sliding window emits one pixel's {lanes} channels a beat, so the chunk length {chunk} must divide the channel count or be a multiple of it");
    }

    private static List<Node> Chain(Graph graph, Node mvu, Node boundary)
    {
        var chain = new List<Node>();
        for (var node = boundary; node.Name != mvu.Name; node = graph.Operand(node)) chain.Insert(0, node);
        return chain;
    }
}
