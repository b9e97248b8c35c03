using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Passes;

/// <summary>
/// QuantLinear y_j = s_j * sum_i x_i W_ij (W integer levels) on an integer or 1-bit x becomes
/// multiply-free integer ops, exactly: bin-dot (XNOR- or AND-popcount, one chunk) for bits with
/// +-1 weights; otherwise plane-dot, AND-popcounts of x's and W's bit planes with shifts (for
/// +-1 bits and n-bit weights, x = 2b - 1 gives weights 2W on the bits b and a bias -sum_i W_ij).
/// One scale s for all outputs goes into the result's scale; one per output stays behind as a
/// layer-level Affine for the quantizer or output after it to absorb.
/// </summary>
public sealed class LowerQuantLinear : Pass
{
    public const int MaxInputBits = 8;

    public override string Name => "lower-quant-linear";
    public override string Description => "QuantLinear becomes bin-dot (bits, +-1 weights) or plane-dot (n-bit bit planes)";
    public override IReadOnlyList<string> Requires => [Properties.IntegerInput];

    public override bool Run(PassContext context)
    {
        var graph = context.Graph;
        bool changed = false;
        foreach (var node in graph.Nodes.Where(n => n.Op == Ops.QuantLinear).ToList())
        {
            var x = graph[node.Operands[0]];
            if (x.Type.Kind == ValueKind.Real) continue;
            var weights = node.IntTensor("weights");
            var scale = node.RealTensor("scale").Data;
            bool oneScale = scale.All(s => s == scale[0]);
            string dotName = oneScale ? node.Name : graph.Fresh(node.Name + ".dot");
            var dot = Dot(dotName, node, x, weights, oneScale ? scale[0] : 1);
            dot = dot with { Type = RangeRules.Infer(dot, n => graph[n].Type) };
            if (oneScale)
            {
                graph.Replace(node.Name, dot);
            }
            else
            {
                graph.InsertBefore(node.Name, dot);
                graph.Replace(node.Name, new Node(node.Name, Ops.Affine, [dotName], GraphType.Real(weights.Shape[1]),
                    ("scale", new RealTensorAttr([scale.Length], scale)), ("bias", new RealTensorAttr([1], [0]))));
            }
            context.Corresponds(node.Name, node.Name, 0);
            changed = true;
        }
        return changed;
    }

    private static Node Dot(string name, Node node, Node x, IntTensorAttr weights, double weightScale)
    {
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        bool bipolarWeights = weights.Data.All(w => w is 1 or -1);
        if (x.Type.Kind == ValueKind.Bits)
        {
            if (bipolarWeights)
                return new Node(name, Ops.BinDot, [x.Name], GraphType.Int(outputs, 0, 0, weightScale), ("weights", weights), ("chunk", new IntAttr(inputs)));
            if (x.Type.Encoding == BitEncoding.ZeroOne) return PlaneDot(name, x, weights, null, 1, false, weightScale);
            // x = 2b - 1: sum_i x_i W_ij = sum_i b_i (2 W_ij) - sum_i W_ij
            var doubled = new IntTensorAttr(weights.Shape, Array.ConvertAll(weights.Data, w => 2 * w));
            var bias = new long[outputs];
            for (int i = 0; i < inputs; i++)
            {
                for (int j = 0; j < outputs; j++) bias[j] -= weights[i, j];
            }
            return PlaneDot(name, x, doubled, bias, 1, false, weightScale);
        }
        if (x.Type.Width > MaxInputBits)
            throw new UserError($"{ModelImporter.Describe(node)} cannot be lowered: its input {ModelImporter.Describe(x)} is {x.Type.Width} bits wide; plane-dot takes inputs of at most {MaxInputBits} bits (quantize the activations before it)");
        return PlaneDot(name, x, weights, null, x.Type.Width, x.Type.Min < 0, x.Type.Scale * weightScale);
    }

    private static Node PlaneDot(string name, Node x, IntTensorAttr weights, long[]? bias, int planes, bool signed, double scale)
    {
        var attrs = new List<(string, Attr)> { ("weights", weights) };
        if (bias is not null && bias.Any(b => b != 0)) attrs.Add(("bias", new IntTensorAttr([bias.Length], bias)));
        attrs.Add(("x-planes", new IntAttr(planes)));
        attrs.Add(("x-signed", new BoolAttr(signed)));
        return new Node(name, Ops.PlaneDot, [x.Name], GraphType.Int(weights.Shape[1], 0, 0, scale), [.. attrs]);
    }
}
