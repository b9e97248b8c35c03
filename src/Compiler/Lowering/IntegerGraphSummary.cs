using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Lowering;

/// <summary>One integer value of the lowered graph, for reports.</summary>
public sealed record ValueSummary(string Name, string Op, string Type, int Length, int Width, long Min, long Max, double Scale);

/// <summary>What integer lowering produced: every value with its proven width, and the constant storage it needs (no timings: reports are byte-identical across runs).</summary>
public sealed record IntegerGraphSummary(
    string Model,
    CompileOptions Options,
    int MaxWidth,
    long ConstantBits,
    IReadOnlyList<ValueSummary> Values)
{
    public static IntegerGraphSummary Of(Graph graph, CompileOptions options)
    {
        var values = graph.Nodes.Select(n => new ValueSummary(n.Name, n.Op, n.Type.ToString().Split(' ')[0], n.Type.Length, n.Type.Width,
            n.Type.Min, n.Type.Max, n.Type.Scale)).ToList();
        return new IntegerGraphSummary(graph.Name, options, values.Max(v => v.Width), graph.Nodes.Sum(ConstantBitsOf), values);
    }

    /// <summary>Bits needed to store a node's constants: signs as 1 bit, other integers at the width of their range.</summary>
    public static long ConstantBitsOf(Node node)
    {
        long bits = 0;
        foreach (var (key, attr) in node.Attrs)
        {
            if (attr is not IntTensorAttr tensor || tensor.Data.Length == 0) continue;
            // sign weights (bin-dot, or a dense layer of +-1) and a transform's signs are stored as one bit each
            bool signs = (key == "weights" && (node.Op == Ops.BinDot || tensor.Data.All(w => w is 1 or -1))) || key == "signs";
            int width = signs ? 1 : BitWidth.ToHold(tensor.Data.Min(), tensor.Data.Max());
            bits += (long)width * tensor.Data.Length;
        }
        return bits;
    }
}
