using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// One convolution of the integer graph as the packed engine runs it, image by image: a window,
/// the per-element ops and chunk sums that read the window (pre), the dense or bin-dot on every
/// receptive field, the per-element ops after it (post) and an optional max-pool. Only the last
/// node's value is materialized. The window's elements are its input's pixels (or padding, the
/// value 0), and every pre op is per element or per chunk inside one pixel's channels, so each
/// pre op runs once per pixel (plus once on a padding pixel) instead of once per window element,
/// and the receptive fields are gathered afterwards, already as bits.
/// </summary>
internal sealed class ConvBlock
{
    public required Node Window { get; init; }
    public required WindowGeometry Geometry { get; init; }

    /// <summary>Pre ops in graph order (threshold, shift, relu, clamp, chunk-sum, chunk-factor).</summary>
    public required IReadOnlyList<Node> Pre { get; init; }
    public required Node Dot { get; init; }

    /// <summary>The node whose bits a bin-dot reads (a threshold in <see cref="Pre"/>, or the window itself); null for dense.</summary>
    public Node? BitsSource { get; init; }

    /// <summary>The chunk-sum or chunk-factor a bin-dot reads as its chunk factors; null when it reads none.</summary>
    public Node? SumSource { get; init; }

    public required IReadOnlyList<Node> Post { get; init; }
    public Node? Pool { get; init; }

    /// <summary>Per-element integer ops after the pool (a requantizing shift before the next layer), run on the pooled values.</summary>
    public IReadOnlyList<Node> PostPool { get; init; } = [];
    public required Node Last { get; init; }

    public int Outputs => (int)Dot.IntTensor("weights").Shape[1];
}

/// <summary>Finds <see cref="ConvBlock"/>s and replaces each by one node the packed engine runs.</summary>
internal static class ConvBlocks
{
    /// <summary>The fused node's op: known to this engine only, never in a graph the compiler writes.</summary>
    public const string FusedOp = "fused-conv";

    private static readonly HashSet<string> DenseAttributes = ["weights", "bias", "typical"];

    public static (Graph.Graph Graph, IReadOnlyDictionary<string, ConvBlock> Blocks) Fuse(Graph.Graph graph)
    {
        var blocks = new Dictionary<string, ConvBlock>();
        var dropped = new HashSet<string>();
        foreach (var window in graph.Nodes.Where(n => n.Op == Ops.Window))
        {
            if (Find(graph, window) is not { } block) continue;
            blocks[block.Last.Name] = block;
            dropped.Add(window.Name);
            dropped.UnionWith(block.Pre.Select(n => n.Name));
            dropped.Add(block.Dot.Name);
            dropped.UnionWith(block.Post.Select(n => n.Name));
            if (block.Pool is not null) dropped.Add(block.Pool.Name);
            dropped.UnionWith(block.PostPool.Select(n => n.Name));
            dropped.Remove(block.Last.Name);
        }
        if (blocks.Count == 0) return (graph, blocks);
        var nodes = graph.Nodes.Where(n => !dropped.Contains(n.Name))
            .Select(n => blocks.TryGetValue(n.Name, out var b) ? new Node(n.Name, FusedOp, [b.Window.Operands[0]], [], n.Type) : n);
        return (new Graph.Graph(graph.Name, [.. nodes]), blocks);
    }

    /// <summary>The block that starts at <paramref name="window"/>, or null when its nodes are not all of the kinds above.</summary>
    public static ConvBlock? Find(Graph.Graph graph, Node window)
    {
        var g = WindowAttrs.Geometry(window);
        int c = g.Channels;
        var pre = new HashSet<string>();
        Node? dot = null;
        var frontier = new Queue<Node>([window]);
        while (frontier.Count > 0)
        {
            foreach (var user in graph.Users(frontier.Dequeue().Name))
            {
                if (pre.Contains(user.Name) || user == dot) continue;
                if (user.Op is Ops.Dense or Ops.BinDot)
                {
                    if (dot is not null && dot != user) return null;
                    dot = user;
                }
                else if (PerPixel(user, g))
                {
                    pre.Add(user.Name);
                    frontier.Enqueue(user);
                }
                else
                {
                    return null;
                }
            }
        }
        if (dot is null || dot.IntTensor("weights").Shape[0] != g.Patch) return null;
        var preNodes = graph.Nodes.Where(n => pre.Contains(n.Name)).ToList();
        Node? bitsSource = null, sumSource = null;
        if (dot.Op == Ops.Dense)
        {
            if (preNodes.Count > 0 || dot.Operands.Count != 1 || window.Type.Kind != ValueKind.Int) return null;
            if (!dot.Attrs.All(a => DenseAttributes.Contains(a.Key))) return null;
        }
        else
        {
            if (!PackedBinDot.Packable(dot) || dot.Has("shift")) return null;
            bitsSource = graph.Operand(dot, 0);
            if (bitsSource.Type.Kind != ValueKind.Bits || (bitsSource != window && bitsSource.Op != Ops.Threshold)) return null;
            if (dot.Operands.Count > 1)
            {
                sumSource = graph.Operand(dot, 1);
                int chunk = (int)dot.Int("chunk");
                if (sumSource.Op is not (Ops.ChunkSum or Ops.ChunkFactor) || sumSource.Int("chunk") != chunk || c % chunk != 0) return null;
            }
        }
        // chunk-factor counts bits (times a chunk sum); every other pre op reads integers; none feeds anything outside the block
        if (preNodes.Any(n => n.Op == Ops.ChunkFactor
            ? graph.Operand(n, n.Operands.Count - 1).Type.Kind != ValueKind.Bits || (n.Operands.Count == 2 && graph.Operand(n, 0).Op != Ops.ChunkSum)
            : graph.Operand(n).Type.Kind != ValueKind.Int)) return null;
        if (preNodes.Any(n => graph.Users(n.Name).Any(u => u != dot && !pre.Contains(u.Name)))) return null;

        var post = new List<Node>();
        Node? pool = null;
        var last = dot;
        int outputs = dot.IntTensor("weights").Shape[1];
        while (graph.Users(last.Name).ToList() is [var next] && pool is null)
        {
            if (last.Type.Kind == ValueKind.Int && ElementStep.For(next, outputs) is not null)
            {
                post.Add(next);
            }
            else if (next.Op == Ops.MaxPool && WindowAttrs.Geometry(next) is var pg && pg.Height == g.OutHeight && pg.Width == g.OutWidth && pg.Channels == outputs)
            {
                pool = next;
            }
            else
            {
                break;
            }
            last = next;
        }
        var postPool = new List<Node>();
        if (pool is not null && pool.Type.Kind == ValueKind.Int)
        {
            // the pooled value's only reader an integer step (fmnist-hbnn-cnn's shift before the dense layer's threshold and sums): run it here, on values still in cache
            while (graph.Users(last.Name).ToList() is [var next] && next.Op != Ops.Threshold && ElementStep.For(next, pool.Type.Length) is not null)
            {
                postPool.Add(next);
                last = next;
            }
        }
        return new ConvBlock
        {
            Window = window, Geometry = g, Pre = preNodes, Dot = dot, BitsSource = bitsSource, SumSource = sumSource,
            Post = post, Pool = pool, PostPool = postPool, Last = last,
        };
    }

    /// <summary>Whether a node reading the window's elements can run once per pixel: a per-element op whose attributes repeat per channel, or chunks inside one pixel.</summary>
    private static bool PerPixel(Node node, WindowGeometry g) => node.Op switch
    {
        Ops.ChunkSum => node.Operands.Count == 1 && PixelChunks(node, g),
        Ops.ChunkFactor => node.Operands.Count is 1 or 2 && PixelChunks(node, g),
        _ => ElementStep.For(node, g.Channels) is not null,
    };

    /// <summary>Chunks that restart at every receptive field (no "segment" attribute: the window has one position) and lie inside a pixel.</summary>
    private static bool PixelChunks(Node node, WindowGeometry g) =>
        (node.Find("segment") is IntAttr { Value: var segment } ? segment : (long)g.Positions * g.Patch) == g.Patch && g.Channels % node.Int("chunk") == 0;
}
