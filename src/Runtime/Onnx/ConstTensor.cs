namespace HwFlow.Runtime.Onnx;

/// <summary>
/// A constant of an ONNX graph (an initializer, a Constant node, or something folded from them),
/// in double precision, C order. <see cref="Integral"/> marks integer element types (shapes,
/// indices), which ops such as Cast and Div keep integral.
/// </summary>
internal sealed class ConstTensor
{
    public ConstTensor(int[] shape, double[] data, bool integral = false)
    {
        if (Count(shape) != data.Length)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] needs {Count(shape)} values, got {data.Length}");
        Shape = shape;
        Data = data;
        Integral = integral;
    }

    public int[] Shape { get; }
    public double[] Data { get; }
    public bool Integral { get; }
    public int Rank => Shape.Length;
    public int Length => Data.Length;

    /// <summary>Weights that came out of a quantizer: their integer levels and the scale per element (null for plain constants).</summary>
    public QuantizedLevels? Levels { get; init; }

    public static ConstTensor Scalar(double value, bool integral = false) => new([], [value], integral);

    public static ConstTensor Vector(IReadOnlyList<long> values) => new([values.Count], values.Select(v => (double)v).ToArray(), integral: true);

    public static long Count(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        return count;
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    public double Single(string what) =>
        Length == 1 ? Data[0] : throw new OnnxGraphError($"{what} must be a single number, got a tensor of shape {ShapeText}");

    public long[] Longs() => Array.ConvertAll(Data, v => (long)v);

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static long[] Strides(IReadOnlyList<int> shape)
    {
        var strides = new long[shape.Count];
        long stride = 1;
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    /// <summary>numpy's broadcast of two shapes, or null when they do not broadcast.</summary>
    public static int[]? BroadcastShape(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        int rank = Math.Max(a.Count, b.Count);
        var shape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int x = d - (rank - a.Count) >= 0 ? a[d - (rank - a.Count)] : 1;
            int y = d - (rank - b.Count) >= 0 ? b[d - (rank - b.Count)] : 1;
            if (x != y && x != 1 && y != 1) return null;
            shape[d] = x == 1 ? y : x;
        }
        return shape;
    }

    /// <summary>This tensor broadcast to <paramref name="shape"/> (which it must broadcast to), as a flat array.</summary>
    public double[] ExpandTo(IReadOnlyList<int> shape)
    {
        if (Shape.SequenceEqual(shape)) return Data;
        var result = new double[Count(shape)];
        var sourceStrides = Strides(Shape);
        int offset = shape.Count - Rank;
        var index = new int[shape.Count];
        for (long i = 0; i < result.Length; i++)
        {
            long source = 0;
            for (int d = offset; d < shape.Count; d++)
            {
                if (Shape[d - offset] != 1) source += index[d] * sourceStrides[d - offset];
            }
            result[i] = Data[source];
            for (int d = shape.Count - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return result;
    }

    /// <summary>Elementwise <paramref name="f"/> of two broadcast tensors.</summary>
    public static ConstTensor Combine(ConstTensor a, ConstTensor b, Func<double, double, double> f, bool integral)
    {
        var shape = BroadcastShape(a.Shape, b.Shape)
            ?? throw new OnnxGraphError($"shapes {a.ShapeText} and {b.ShapeText} do not broadcast");
        var x = a.ExpandTo(shape);
        var y = b.ExpandTo(shape);
        var data = new double[x.Length];
        for (int i = 0; i < data.Length; i++) data[i] = f(x[i], y[i]);
        return new ConstTensor(shape, data, integral);
    }

    public ConstTensor Map(Func<double, double> f, bool? integral = null) =>
        new(Shape, Array.ConvertAll(Data, v => f(v)), integral ?? Integral);

    public ConstTensor Reshaped(int[] shape) => new(shape, Data, Integral) { Levels = Levels?.Reshaped(shape) };

    public ConstTensor Transposed(int[] perm)
    {
        var shape = perm.Select(p => Shape[p]).ToArray();
        return new ConstTensor(shape, Permute(Data, Shape, perm), Integral) { Levels = Levels?.Transposed(Shape, perm) };
    }

    /// <summary><paramref name="data"/> of <paramref name="shape"/> with its axes reordered by <paramref name="perm"/>.</summary>
    public static double[] Permute(double[] data, int[] shape, int[] perm)
    {
        var strides = Strides(shape);
        var target = perm.Select(p => shape[p]).ToArray();
        var result = new double[data.Length];
        var index = new int[target.Length];
        for (long i = 0; i < result.Length; i++)
        {
            long source = 0;
            for (int d = 0; d < target.Length; d++) source += index[d] * strides[perm[d]];
            result[i] = data[source];
            for (int d = target.Length - 1; d >= 0; d--)
            {
                if (++index[d] < target[d]) break;
                index[d] = 0;
            }
        }
        return result;
    }
}

/// <summary>The integer levels of quantized weights and the scale of each element: value = level * scale.</summary>
internal sealed record QuantizedLevels(double[] Levels, double[] Scale)
{
    public QuantizedLevels Reshaped(int[] shape) => this;

    public QuantizedLevels Transposed(int[] shape, int[] perm) =>
        new(ConstTensor.Permute(Levels, shape, perm), ConstTensor.Permute(Scale, shape, perm));
}
