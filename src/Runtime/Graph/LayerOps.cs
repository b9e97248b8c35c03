using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using Model = HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// Layer-level ops on reals, computed with exactly the operations of <see cref="FloatEvaluator"/>
/// so that an imported model executes bit-identically to the float reference.
/// </summary>
internal static class LayerOps
{
    public static object? Prepare(Node node) => node.Op switch
    {
        Ops.Linear => Transpose(node.RealTensor("weights")),
        Ops.Bin => BinarizedWeights(node),
        _ => null,
    };

    public static GraphValue Evaluate(Node node, GraphValue[] operands, object? prepared)
    {
        var x = AsReal(operands[0]);
        var matrix = new Matrix(x.Rows, x.Length, x.Data);
        switch (node.Op)
        {
            case Ops.Linear:
            {
                var weights = node.RealTensor("weights");
                var y = DenseProduct.Multiply(matrix, (double[])prepared!, weights.Shape[1]);
                if (node.Find("bias") is RealTensorAttr bias)
                {
                    for (int r = 0; r < y.Rows; r++)
                    {
                        var row = y.Row(r);
                        for (int j = 0; j < row.Length; j++) row[j] += bias.Data[j];
                    }
                }
                return new RealValue(y.Rows, y.Columns, y.Data);
            }
            case Ops.Bin:
            {
                var y = ((HbDot)prepared!).Evaluate(matrix, node.Bool("unipolar"));
                return new RealValue(y.Rows, y.Columns, y.Data);
            }
            case Ops.Binarize:
                return Binarize(x, (int)node.Int("chunk"), node.Bool("unipolar"), ScalesOf(node));
            case Ops.BatchNorm:
                return Map(x, (v, j) => BatchNormValue(node, j, v));
            case Ops.AffineSign:
                return Map(x, (v, j) => BatchNormValue(node, j, v) >= 0 ? 1 : -1);
            case Ops.Ramp:
                return Map(x, (v, _) => v > 0 ? v : 0);
            case Ops.Sigmoid:
                return Map(x, (v, _) => 1 / (1 + Math.Exp(-v)));
            case Ops.Sign:
                bool unipolar = node.Bool("unipolar");
                return Map(x, (v, _) => Hadamard.Sign(v, unipolar));
            case Ops.HardTanh:
                return Map(x, (v, _) => Math.Clamp(v, -1, 1));
            default:
                throw new InvalidOperationException($"unknown layer op '{node.Op}'");
        }
    }

    /// <summary>gamma * (x - mean) / sqrt(var + eps) + beta, written as FloatEvaluator.BatchNormValue writes it.</summary>
    public static double BatchNormValue(Node node, int j, double x) => LayerMath.BatchNormValue(node, j, x);

    public static Model.ScaleMode ScalesOf(Node node) =>
        node.Find("scales") is SymbolAttr { Value: "pow2" } ? Model.ScaleMode.Pow2 : Model.ScaleMode.Exact;

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

    private static RealValue Binarize(RealValue x, int chunk, bool unipolar, Model.ScaleMode scales)
    {
        var data = new double[x.Data.Length];
        for (int r = 0; r < x.Rows; r++) Hadamard.Binarize(x.Row(r), data.AsSpan(r * x.Length, x.Length), chunk, unipolar, scales);
        return new RealValue(x.Rows, x.Length, data);
    }

    private static RealValue Map(RealValue x, Func<double, int, double> f)
    {
        var data = new double[x.Data.Length];
        for (int r = 0; r < x.Rows; r++)
        {
            for (int j = 0; j < x.Length; j++) data[(r * x.Length) + j] = f(x.Data[(r * x.Length) + j], j);
        }
        return new RealValue(x.Rows, x.Length, data);
    }

    private static double[] Transpose(RealTensorAttr weights)
    {
        int inputs = weights.Shape[0], outputs = weights.Shape[1];
        var result = new double[inputs * outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++) result[(j * inputs) + i] = weights.Data[(i * outputs) + j];
        }
        return result;
    }

    private static HbDot BinarizedWeights(Node node)
    {
        var weights = node.RealTensor("weights");
        var tensor = new Tensors.Tensor(weights.Shape, Array.ConvertAll(weights.Data, v => (float)v));
        return new HbDot(tensor, (int)node.Int("chunk"), ScalesOf(node));
    }
}
