using System.Text;
using System.Text.RegularExpressions;
using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.Tensors;

/// <summary>
/// Reads and writes NumPy's .npy format (versions 1-3, C order, little-endian). Every defect in a
/// file becomes a <see cref="UserError"/> naming the file and what was expected.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path)
    {
        byte[] content;
        try
        {
            content = IO.InputFile.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(path, $"cannot read the tensor file ({e.Message})");
        }
        return Parse(content, path);
    }

    public static NpyArray Parse(byte[] content, string path)
    {
        if (content.Length < 10 || !content.AsSpan(0, 6).SequenceEqual(Magic))
            throw UserError.In(path, "not a .npy file (the \\x93NUMPY magic is missing)");
        int major = content[6];
        int headerLengthSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw UserError.In(path, $".npy format version {major} is not supported (expected 1, 2 or 3)"),
        };
        int headerStart = 8 + headerLengthSize;
        if (content.Length < headerStart)
            throw UserError.In(path, "truncated .npy header");
        long headerLength = headerLengthSize == 2
            ? BitConverter.ToUInt16(content, 8)
            : BitConverter.ToUInt32(content, 8);
        if (headerStart + headerLength > content.Length)
            throw UserError.In(path, "truncated .npy header");
        var header = Encoding.Latin1.GetString(content, headerStart, (int)headerLength);
        var (type, shape) = ParseHeader(header, path);

        long expected = Tensor.ElementCount(shape) * type.ElementSize();
        long dataStart = headerStart + headerLength;
        long actual = content.Length - dataStart;
        if (actual < expected)
            throw UserError.In(path, $"truncated data: shape {Tensor.FormatShape(shape)} of {type.Descriptor()} needs {expected} bytes, the file has {actual}");
        if (actual > expected)
            throw UserError.In(path, $"{actual - expected} unexpected bytes after the data of shape {Tensor.FormatShape(shape)}");
        return new NpyArray(type, shape, content.AsSpan((int)dataStart).ToArray());
    }

    private static (NpyDType Type, int[] Shape) ParseHeader(string header, string path)
    {
        var descr = DescrPattern().Match(header);
        if (!descr.Success)
            throw UserError.In(path, "the .npy header has no 'descr' entry");
        if (!NpyDTypes.TryParse(descr.Groups[1].Value, out var type))
            throw UserError.In(path, $"element type '{descr.Groups[1].Value}' is not supported (expected float32 <f4, int8 |i1, uint8 |u1 or int32 <i4, little-endian)");

        var fortran = FortranPattern().Match(header);
        if (!fortran.Success)
            throw UserError.In(path, "the .npy header has no 'fortran_order' entry");
        if (fortran.Groups[1].Value == "True")
            throw UserError.In(path, "Fortran-ordered arrays are not supported (expected C order; save with numpy.ascontiguousarray)");

        var shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success)
            throw UserError.In(path, "the .npy header has no 'shape' entry");
        var dims = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (!int.TryParse(dims[i].TrimEnd('L'), out shape[i]) || shape[i] < 0)
                throw UserError.In(path, $"bad dimension '{dims[i]}' in the .npy shape");
        }
        return (type, shape);
    }

    public static void Write(string path, NpyArray array)
    {
        var dims = string.Join(", ", array.Shape);
        if (array.Shape.Length == 1) dims += ",";
        var dict = $"{{'descr': '{array.Type.Descriptor()}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Version 1: magic(6) + version(2) + length(2) + header, padded with spaces to a multiple of 64, ending in '\n'.
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - (unpadded % 64)) % 64;
        var header = dict + new string(' ', padding) + "\n";
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(array.Bytes);
    }

    public static void Write(string path, Tensor tensor) => Write(path, NpyArray.FromTensor(tensor));

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
