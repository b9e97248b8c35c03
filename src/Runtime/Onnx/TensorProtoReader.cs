using System.Buffers.Binary;
using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>
/// A TensorProto's values as a <see cref="ConstTensor"/>: from raw_data, the typed repeated
/// fields, or external data. An external data file must stay inside the model's folder.
/// </summary>
internal static class TensorProtoReader
{
    private const string Hint = "float, double, int8..int64, uint8..uint64 or bool";

    public static ConstTensor Read(TensorProto tensor, string modelFolder)
    {
        var shape = tensor.Dims.Select(d => d is >= 0 and <= int.MaxValue
            ? (int)d
            : throw new OnnxGraphError($"tensor '{tensor.Name}' has dimension {d}")).ToArray();
        long count = ConstTensor.Count(shape);
        if (count > 256L * 1024 * 1024) throw new OnnxGraphError($"tensor '{tensor.Name}' has {count} elements, more than HwFlow reads");
        var type = (TensorProto.Types.DataType)tensor.DataType;
        int size = ElementSize(type) ?? throw new OnnxGraphError($"tensor '{tensor.Name}' has element type {type}; HwFlow reads {Hint}");
        bool integral = type is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double);

        ReadOnlySpan<byte> raw = tensor.DataLocation == TensorProto.Types.DataLocation.External
            ? ExternalData.Read(tensor, modelFolder)
            : tensor.RawData.Span;
        double[] data;
        if (raw.Length > 0 || tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            if (raw.Length != count * size)
                throw new OnnxGraphError($"tensor '{tensor.Name}' holds {raw.Length} bytes, but shape [{string.Join(", ", shape)}] of {type} needs {count * size}");
            data = new double[count];
            for (int i = 0; i < data.Length; i++) data[i] = Decode(type, raw.Slice(i * size, size));
        }
        else
        {
            data = Typed(tensor, type);
            if (data.Length != count)
                throw new OnnxGraphError($"tensor '{tensor.Name}' holds {data.Length} values, but its shape [{string.Join(", ", shape)}] needs {count}");
        }
        return new ConstTensor(shape, data, integral);
    }

    private static int? ElementSize(TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Uint32 => 4,
        TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Uint64 => 8,
        TensorProto.Types.DataType.Int16 or TensorProto.Types.DataType.Uint16 => 2,
        TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Bool => 1,
        _ => null,
    };

    private static double Decode(TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes) => type switch
    {
        TensorProto.Types.DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        TensorProto.Types.DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        TensorProto.Types.DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        TensorProto.Types.DataType.Uint64 => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        TensorProto.Types.DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        TensorProto.Types.DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        TensorProto.Types.DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        TensorProto.Types.DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        TensorProto.Types.DataType.Int8 => (sbyte)bytes[0],
        _ => bytes[0],
    };

    /// <summary>The typed fields: float_data, double_data, int64_data, uint64_data, or int32_data (which also carries the narrow integer types and bool).</summary>
    private static double[] Typed(TensorProto tensor, TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float => tensor.FloatData.Select(v => (double)v).ToArray(),
        TensorProto.Types.DataType.Double => tensor.DoubleData.ToArray(),
        TensorProto.Types.DataType.Int64 => tensor.Int64Data.Select(v => (double)v).ToArray(),
        TensorProto.Types.DataType.Uint64 or TensorProto.Types.DataType.Uint32 => tensor.Uint64Data.Select(v => (double)v).ToArray(),
        _ => tensor.Int32Data.Select(v => (double)v).ToArray(),
    };
}
