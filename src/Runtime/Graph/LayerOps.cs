using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// Layer-level ops on reals: each node becomes the <see cref="FloatLayer"/> the float reference
/// runs for its model layer, so an imported model executes bit-identically to
/// <see cref="FloatEvaluator"/>.
/// </summary>
public static class LayerOps
{
    public static FloatLayer Prepare(Node node) => node.Op switch
    {
        Ops.Linear => Linear(node),
        Ops.Bin => FloatLayer.Bin(HbDotOf(node), node.Bool("unipolar")),
        Ops.Binarize => FloatLayer.Binarize(Chunk(node), node.Bool("unipolar"), ScalesAttr.Of(node)),
        Ops.BatchNorm => FloatLayer.BatchNorm(LayerMath.BatchNorm(node)),
        Ops.AffineSign => FloatLayer.AffineSign(LayerMath.BatchNorm(node)),
        Ops.Ramp => FloatLayer.Ramp,
        Ops.Sigmoid => FloatLayer.Sigmoid,
        Ops.Sign => FloatLayer.Sign(node.Bool("unipolar")),
        Ops.HardTanh => FloatLayer.HardTanh,
        Ops.Conv2D => FloatLayer.Convolution(WindowAttrs.Geometry(node), Floats(node.RealTensor("weights")),
            node.Find("bias") is RealTensorAttr bias ? Floats(bias) : null),
        Ops.BinConv2D => FloatLayer.BinaryConvolution(WindowAttrs.Geometry(node), Floats(node.RealTensor("weights")), Chunk(node),
            node.Bool("unipolar"), ScalesAttr.Of(node)),
        Ops.Flatten => FloatLayer.Identity,
        Ops.WalshHadamard => FloatLayer.WalshHadamard(WalshHadamardRowsOf(node)),
        _ => QuantizedLayerNodes.Layer(node) is { } layer
            ? FloatLayer.Quantized(layer)!
            : throw new InvalidOperationException($"unknown layer op '{node.Op}'"),
    };

    internal static GraphValue Evaluate(FloatLayer layer, GraphValue operand)
    {
        var x = AsReal(operand);
        var y = layer.Apply(new Matrix(x.Rows, x.Length, x.Data));
        return new RealValue(y.Rows, y.Columns, y.Data);
    }

    private static RealValue AsReal(GraphValue value)
    {
        if (value is RealValue real) return real;
        var data = new double[value.Rows * value.Length];
        for (int r = 0; r < value.Rows; r++)
        {
            for (int i = 0; i < value.Length; i++) data[(r * value.Length) + i] = value.RealAt(r, i);
        }
        return new RealValue(value.Rows, value.Length, data);
    }

    private static int Chunk(Node node) => (int)node.Int("chunk");

    private static WalshHadamardRows WalshHadamardRowsOf(Node node) =>
        new((int)node.Int("size"), Array.ConvertAll(node.IntTensor("signs").Data, v => (double)v), (int)node.Int("shift"),
            (node.Find("scale") as RealTensorAttr)?.Data, (node.Find("bias") as RealTensorAttr)?.Data);

    private static FloatLayer Linear(Node node)
    {
        var weights = node.RealTensor("weights");
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        return FloatLayer.Linear(RowMajor.Transpose<double>(weights.Data, inputs, outputs), outputs, (node.Find("bias") as RealTensorAttr)?.Data);
    }

    private static HbDot HbDotOf(Node node) => new(Floats(node.RealTensor("weights")), Chunk(node), ScalesAttr.Of(node));

    /// <summary>A layer-level tensor as the model's float32 tensor (its values came from one, so this is exact).</summary>
    private static Tensors.Tensor Floats(RealTensorAttr tensor) => new(tensor.Shape, Array.ConvertAll(tensor.Data, v => (float)v));
}
