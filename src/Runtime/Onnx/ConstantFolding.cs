using HwFlow.Runtime.Semantics;
using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>
/// Evaluates a node whose inputs are all constants: the shape arithmetic exporters emit
/// (Shape, Gather, Unsqueeze, Concat, Reshape), weight transposes, elementwise constants, and
/// the quantizers applied to weights, which keep their integer levels for the layer that uses them.
/// </summary>
internal static class ConstantFolding
{
    public static ConstTensor[] Fold(OnnxNode node, ConstTensor?[] inputs)
    {
        ConstTensor In(int i) => i < inputs.Length && inputs[i] is { } t ? t : throw new OnnxGraphError($"input {i} is missing");
        return node.OpType switch
        {
            "Identity" or "Dropout" => [In(0)],
            "Cast" => [Cast(In(0), node.Int("to", (long)TensorProto.Types.DataType.Float))],
            "Shape" => [ShapeOf(In(0).Shape, node)],
            "Gather" => [Gather(In(0), In(1), (int)node.Int("axis", 0))],
            "Unsqueeze" => [In(0).Reshaped(Shapes.Unsqueeze(In(0).Shape, Axes(node, inputs)))],
            "Squeeze" => [In(0).Reshaped(Shapes.Squeeze(In(0).Shape, Axes(node, inputs)))],
            "Concat" => [Concat(inputs.Select((t, i) => t ?? In(i)).ToArray(), (int)node.Int("axis", 0))],
            "Reshape" => [In(0).Reshaped(Shapes.Reshape(In(0).Shape, In(1).Longs()))],
            "Flatten" => [In(0).Reshaped(Shapes.Flatten(In(0).Shape, (int)node.Int("axis", 1)))],
            "Transpose" => [In(0).Transposed(Shapes.Permutation(In(0).Rank, node.Ints("perm")))],
            "Add" => [Binary(In(0), In(1), (a, b) => a + b)],
            "Sub" => [Binary(In(0), In(1), (a, b) => a - b)],
            "Mul" => [Binary(In(0), In(1), (a, b) => a * b)],
            "Div" => [Binary(In(0), In(1), (a, b) => In(0).Integral && In(1).Integral ? Math.Truncate(a / b) : a / b)],
            "Pow" => [ConstTensor.Combine(In(0), In(1), Math.Pow, In(0).Integral)],
            "Sign" => [In(0).Map(v => v > 0 ? 1 : v < 0 ? -1 : v)],
            "Relu" => [In(0).Map(v => v > 0 ? v : 0)],
            "Sigmoid" => [In(0).Map(v => 1 / (1 + Math.Exp(-v)), integral: false)],
            "Clip" => [Clip(node, inputs)],
            "MatMul" => [MatMul(In(0), In(1))],
            _ when QuantNodes.IsQuantizer(node.OpType) => [Quantize(node, inputs, In(0))],
            _ => throw new OnnxGraphError("all its inputs are constants, but HwFlow does not fold this op; fold it before export"),
        };
    }

    /// <summary>Shape's output, with the optional start and end attributes.</summary>
    public static ConstTensor ShapeOf(int[] shape, OnnxNode node)
    {
        int rank = shape.Length;
        int Clamp(long v) => (int)Math.Clamp(v < 0 ? v + rank : v, 0, rank);
        int start = Clamp(node.Int("start", 0)), end = Clamp(node.Int("end", rank));
        return ConstTensor.Vector(shape[start..Math.Max(start, end)].Select(d => (long)d).ToList());
    }

    /// <summary>Axes from the attribute (before opset 13) or the second input.</summary>
    public static long[] Axes(OnnxNode node, ConstTensor?[] inputs) =>
        node.Ints("axes") ?? (inputs.Length > 1 && inputs[1] is { } axes ? axes.Longs() : []);

    private static ConstTensor Binary(ConstTensor a, ConstTensor b, Func<double, double, double> f) =>
        ConstTensor.Combine(a, b, f, a.Integral && b.Integral);

    private static ConstTensor Cast(ConstTensor x, long to)
    {
        var type = (TensorProto.Types.DataType)to;
        return type switch
        {
            TensorProto.Types.DataType.Float => x.Map(v => (float)v, integral: false),
            TensorProto.Types.DataType.Double => x.Map(v => v, integral: false),
            TensorProto.Types.DataType.Bool => x.Map(v => v != 0 ? 1 : 0, integral: true),
            TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Int16 or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Int64
                or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Uint16 or TensorProto.Types.DataType.Uint32 or TensorProto.Types.DataType.Uint64
                => x.Map(Math.Truncate, integral: true),
            _ => throw new OnnxGraphError($"it casts to {type}, which HwFlow does not read"),
        };
    }

    private static ConstTensor Gather(ConstTensor data, ConstTensor indices, int axis)
    {
        if (axis < 0) axis += data.Rank;
        if (axis < 0 || axis >= data.Rank) throw new OnnxGraphError($"its axis is outside the data's rank {data.Rank}");
        var shape = data.Shape[..axis].Concat(indices.Shape).Concat(data.Shape[(axis + 1)..]).ToArray();
        long outer = ConstTensor.Count(data.Shape[..axis]), inner = ConstTensor.Count(data.Shape[(axis + 1)..]);
        int size = data.Shape[axis];
        var result = new double[ConstTensor.Count(shape)];
        long at = 0;
        for (long o = 0; o < outer; o++)
        {
            foreach (var raw in indices.Data)
            {
                long index = (long)raw < 0 ? (long)raw + size : (long)raw;
                if (index < 0 || index >= size) throw new OnnxGraphError($"index {raw} is outside dimension {size}");
                Array.Copy(data.Data, ((o * size) + index) * inner, result, at, inner);
                at += inner;
            }
        }
        return new ConstTensor(shape, result, data.Integral);
    }

    private static ConstTensor Concat(ConstTensor[] parts, int axis)
    {
        int rank = parts[0].Rank;
        if (axis < 0) axis += rank;
        if (parts.Any(p => p.Rank != rank) || axis < 0 || axis >= rank) throw new OnnxGraphError("its inputs do not line up on the axis");
        var shape = parts[0].Shape.ToArray();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        long outer = ConstTensor.Count(shape[..axis]);
        var result = new List<double>();
        for (long o = 0; o < outer; o++)
        {
            foreach (var p in parts)
            {
                long block = ConstTensor.Count(p.Shape[axis..]);
                result.AddRange(p.Data.AsSpan((int)(o * block), (int)block).ToArray());
            }
        }
        return new ConstTensor(shape, [.. result], parts.All(p => p.Integral));
    }

    private static ConstTensor Clip(OnnxNode node, ConstTensor?[] inputs)
    {
        var (min, max) = ClipBounds(node, inputs);
        return inputs[0]!.Map(v => v < min ? min : v > max ? max : v);
    }

    /// <summary>Clip's bounds: attributes before opset 11, optional inputs after.</summary>
    public static (double Min, double Max) ClipBounds(OnnxNode node, ConstTensor?[] inputs)
    {
        double min = node.Float("min", double.NegativeInfinity), max = node.Float("max", double.PositiveInfinity);
        if (inputs.Length > 1 && inputs[1] is { } lo) min = lo.Single("Clip's min");
        if (inputs.Length > 2 && inputs[2] is { } hi) max = hi.Single("Clip's max");
        return (min, max);
    }

    private static ConstTensor MatMul(ConstTensor a, ConstTensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Shape[1] != b.Shape[0])
            throw new OnnxGraphError($"it multiplies constants of shapes {a.ShapeText} and {b.ShapeText}; HwFlow folds only matrix products");
        int n = a.Shape[0], k = a.Shape[1], m = b.Shape[1];
        var result = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++) sum += a.Data[(i * k) + t] * b.Data[(t * m) + j];
                result[(i * m) + j] = sum;
            }
        }
        return new ConstTensor([n, m], result);
    }

    /// <summary>A quantizer on a constant: the quantized values, and for Quant and BipolarQuant their integer levels and scales.</summary>
    private static ConstTensor Quantize(OnnxNode node, ConstTensor?[] inputs, ConstTensor x)
    {
        var layer = QuantNodes.Layer(node, inputs, x.Shape, batched: false);
        var quantizer = LevelQuantizer.Of(layer)!;
        var values = new double[x.Length];
        var levels = new double[x.Length];
        var scales = new double[x.Length];
        bool integral = true;
        for (int i = 0; i < x.Length; i++)
        {
            double code = quantizer.Code(i, x.Data[i]);
            values[i] = quantizer.Value(i, code);
            (levels[i], scales[i]) = layer switch
            {
                Model.Quant { Bipolar: true } q => ((2 * code) - 1 - q.ZeroPoint[i], q.Scale[i]),
                Model.Quant q => (code - q.ZeroPoint[i], q.Scale[i]),
                Model.BipolarQuant b => ((2 * code) - 1, b.Scale[i]),
                _ => (double.NaN, double.NaN),
            };
            integral &= levels[i] == Math.Round(levels[i]);
        }
        return new ConstTensor(x.Shape, values) { Levels = integral ? new QuantizedLevels(levels, scales) : null };
    }
}
