using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// The activation side of a binary layer in integer form: the sign bits, the runtime chunk
/// factor F_c (null when it is 1) and the constant rho_c, such that the activation chunk mean is
/// F_c * rho_c. Builds the bits / chunk-sum / chunk-factor nodes in front of the layer.
/// </summary>
public sealed class ChunkInputs
{
    private readonly double[] _rho;

    private ChunkInputs(string bits, string? factor, double[] rho)
    {
        Bits = bits;
        Factor = factor;
        _rho = rho;
    }

    public string Bits { get; }
    public string? Factor { get; }

    /// <summary>The constant part of chunk c's activation mean.</summary>
    public double Rho(int chunk) => _rho[chunk];

    /// <summary>
    /// Builds the nodes for <paramref name="layer"/>'s input; null when that input is not lowered
    /// to integers yet. Throws a <see cref="UserError"/> for inputs that cannot be lowered.
    /// </summary>
    public static ChunkInputs? Build(Passes.PassContext context, Node layer, int chunk, bool unipolar)
    {
        var graph = context.Graph;
        var x = graph[layer.Operands[0]];
        // after a window the input is one receptive field per output position: chunks restart at each
        var segment = new Segment(layer.RealTensor("weights").Shape[0], x.Type.Length);
        var chunks = new Chunks(segment.Length, chunk);
        if (x.Type.Kind == ValueKind.Bits)
        {
            bool zeroOne = x.Type.Encoding == BitEncoding.ZeroOne;
            if (zeroOne != unipolar) throw new InvalidOperationException($"{layer.Name}: bit encoding and unipolar flag disagree");
            if (!zeroOne) return new ChunkInputs(x.Name, null, Filled(chunks, _ => 1));
            // hb of 0/1 bits: b_i * (popcount / n_c)
            var factor = Add(graph, layer.Name, layer.Name + ".factor", Ops.ChunkFactor, [x.Name], segment, chunks);
            return new ChunkInputs(x.Name, factor, Filled(chunks, c => 1.0 / chunks.LengthOf(c)));
        }
        if (IntegerSource(graph, layer, chunk) is not ({ } source, var binarize)) return null;
        var (bits, sum) = BitsAndSums(graph, layer.Name, binarize?.Name ?? layer.Name, source, segment, chunks, unipolar);
        if (binarize is null) return new ChunkInputs(bits, sum, Filled(chunks, c => source.Type.Scale / chunks.LengthOf(c)));

        graph.Remove(binarize.Name);
        // bipolar hb is idempotent: hb(hb(v)) = hb(v)
        if (!unipolar) return new ChunkInputs(bits, sum, Filled(chunks, c => source.Type.Scale / chunks.LengthOf(c)));
        // unipolar: the second mean is the first times popcount / n_c
        var twice = Add(graph, layer.Name, binarize.Name + ".factor", Ops.ChunkFactor, [sum, bits], segment, chunks, source.Type.Scale);
        return new ChunkInputs(bits, twice, Filled(chunks, c => source.Type.Scale / ((double)chunks.LengthOf(c) * chunks.LengthOf(c))));
    }

    /// <summary>
    /// The integer value a binary layer binarizes: its input, or after a BinarizeLayer that
    /// layer's input (the seed binarizes twice), with the BinarizeLayer the caller then removes.
    /// Null when it is not an integer yet. A BinarizeLayer must feed exactly this one layer, with
    /// the same chunks.
    /// </summary>
    public static (Node Source, Node? Binarize)? IntegerSource(GraphBuilder graph, Node layer, int chunk)
    {
        var x = graph[layer.Operands[0]];
        if (x.Type.Kind == ValueKind.Int) return (x, null);
        if (x.Op != Ops.Binarize) return null;
        var source = graph[x.Operands[0]];
        if (source.Type.Kind != ValueKind.Int) return null;
        if (graph.Users(x.Name).Count() != 1)
            throw new UserError($"{ModelImporter.Describe(x)} cannot be lowered: a BinarizeLayer must feed exactly one BinLayer");
        if ((int)x.Int("chunk") != chunk)
            throw new UserError($"{ModelImporter.Describe(layer)} cannot be lowered: its binAggression {chunk} differs from the BinarizeLayer before it ({x.Int("chunk")}); their chunks must line up");
        return (source, x);
    }

    /// <summary>The sign bits of integer <paramref name="x"/> and its chunk sums of |x| per segment, inserted before <paramref name="before"/>.</summary>
    public static (string Bits, string Sum) BitsAndSums(GraphBuilder graph, string before, string prefix, Node x, Segment segment, Chunks chunks, bool unipolar)
    {
        var bitsName = graph.Fresh(prefix + ".bits");
        graph.InsertBefore(before, new Node(bitsName, Ops.Threshold, [x.Name],
            GraphType.Bits(x.Type.Length, unipolar ? BitEncoding.ZeroOne : BitEncoding.PlusMinus), ("t", new IntAttr(unipolar ? 1 : 0))));
        var sum = Add(graph, before, prefix + ".sum", Ops.ChunkSum, [x.Name], segment, chunks, x.Type.Scale);
        return (bitsName, sum);
    }

    /// <summary>A per-chunk node (chunk-sum, chunk-factor): one value per chunk of every segment.</summary>
    private static string Add(GraphBuilder graph, string before, string name, string op, string[] operands, Segment segment, Chunks chunks, double scale = 1)
    {
        name = graph.Fresh(name);
        var attrs = new List<(string, Attr)> { ("chunk", new IntAttr(chunks.Size)) };
        if (segment.Count > 1) attrs.Add(("segment", new IntAttr(segment.Length)));
        var node = new Node(name, op, operands, GraphType.Int(segment.Count * chunks.Count, 0, 0, scale), [.. attrs]);
        graph.InsertBefore(before, node with { Type = RangeRules.Infer(node, n => graph[n].Type) });
        return name;
    }

    private static double[] Filled(Chunks chunks, Func<int, double> value) => Enumerable.Range(0, chunks.Count).Select(value).ToArray();

    /// <summary>The input of a binary layer as <see cref="Count"/> consecutive receptive fields of <see cref="Length"/> values (one when it is not a window's).</summary>
    public readonly record struct Segment(int Length, int Total)
    {
        public int Count => Total / Length;
    }
}
