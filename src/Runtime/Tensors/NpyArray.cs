namespace HwFlow.Runtime.Tensors;

/// <summary>The raw content of a .npy file: element type, shape and little-endian bytes.</summary>
public sealed class NpyArray
{
    public NpyArray(NpyDType type, int[] shape, byte[] bytes)
    {
        if (Tensor.ElementCount(shape) * type.ElementSize() != bytes.Length)
            throw new ArgumentException("byte count does not match shape and type");
        Type = type;
        Shape = shape;
        Bytes = bytes;
    }

    public NpyDType Type { get; }
    public int[] Shape { get; }
    public byte[] Bytes { get; }
    public long Count => Tensor.ElementCount(Shape);

    public static NpyArray FromFloats(int[] shape, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return new NpyArray(NpyDType.Float32, shape, bytes);
    }

    public static NpyArray FromInt32(int[] shape, ReadOnlySpan<int> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return new NpyArray(NpyDType.Int32, shape, bytes);
    }

    public static NpyArray FromBytes(int[] shape, ReadOnlySpan<byte> values) =>
        new(NpyDType.UInt8, shape, values.ToArray());

    public static NpyArray FromSBytes(int[] shape, ReadOnlySpan<sbyte> values) =>
        new(NpyDType.Int8, shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Element <paramref name="index"/> as a double, whatever the stored type.</summary>
    public double GetDouble(long index)
    {
        var at = checked((int)(index * Type.ElementSize()));
        return Type switch
        {
            NpyDType.Float32 => System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(Bytes.AsSpan(at)),
            NpyDType.Int32 => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan(at)),
            NpyDType.Int8 => (sbyte)Bytes[at],
            NpyDType.UInt8 => Bytes[at],
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>The elements converted to float32 (exact for every supported type except large int32).</summary>
    public Tensor ToTensor()
    {
        var data = new float[Count];
        for (long i = 0; i < data.Length; i++) data[i] = (float)GetDouble(i);
        return new Tensor(Shape, data);
    }

    public static NpyArray FromTensor(Tensor tensor) => FromFloats(tensor.Shape, tensor.Data);
}
