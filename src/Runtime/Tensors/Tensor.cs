namespace HwFlow.Runtime.Tensors;

/// <summary>A dense float32 tensor in C order: the storage form of every model parameter.</summary>
public sealed class Tensor
{
    public Tensor(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] needs {count} elements, data has {data.Length}");
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }
    public float[] Data { get; }
    public int Rank => Shape.Length;
    public int Length => Data.Length;

    public float this[int row, int column] => Data[(row * Shape[1]) + column];

    public static Tensor Zeros(params int[] shape) => new(shape, new float[ElementCount(shape)]);

    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0) throw new ArgumentException("negative dimension");
            count *= dimension;
        }
        return count;
    }

    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>True when both tensors have the same shape and bit-identical elements.</summary>
    public bool BitEquals(Tensor other) =>
        Shape.AsSpan().SequenceEqual(other.Shape) && Data.AsSpan().SequenceEqual(other.Data);
}
