using System.Buffers.Binary;
using System.IO.Compression;
using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.Data;

/// <summary>Reads the IDX format of MNIST and Fashion-MNIST, gzipped or raw (told apart by the gzip magic).</summary>
public static class IdxFile
{
    /// <summary>Reads an idx3-ubyte image file: (count, rows, columns, pixels).</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        var bytes = ReadMaybeGzipped(path);
        var dims = Header(bytes, path, expectedDims: 3);
        long size = (long)dims[0] * dims[1] * dims[2];
        var pixels = Body(bytes, path, 16, size, $"{dims[0]} images of {dims[1]}x{dims[2]}");
        return (dims[0], dims[1], dims[2], pixels);
    }

    /// <summary>Reads an idx1-ubyte label file.</summary>
    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadMaybeGzipped(path);
        var dims = Header(bytes, path, expectedDims: 1);
        return Body(bytes, path, 8, dims[0], $"{dims[0]} labels");
    }

    private static int[] Header(byte[] bytes, string path, int expectedDims)
    {
        if (bytes.Length == 0) throw UserError.In(path, "the dataset file is empty");
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08)
            throw UserError.In(path, "not an IDX file of unsigned bytes (expected the magic 00 00 08 0N)");
        if (bytes[3] != expectedDims)
            throw UserError.In(path, $"IDX file has {bytes[3]} dimensions, expected {expectedDims} ({(expectedDims == 3 ? "images" : "labels")})");
        if (bytes.Length < 4 + (4 * expectedDims)) throw UserError.In(path, "truncated IDX header");
        var dims = new int[expectedDims];
        for (int i = 0; i < expectedDims; i++)
        {
            uint value = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
            if (value == 0 || value > int.MaxValue)
                throw UserError.In(path, $"IDX dimension {i} is {value}; the dataset must not be empty");
            dims[i] = (int)value;
        }
        return dims;
    }

    private static byte[] Body(byte[] bytes, string path, int offset, long size, string what)
    {
        long available = bytes.Length - offset;
        if (available != size)
            throw UserError.In(path, $"the header announces {what} ({size} bytes) but the file holds {available} bytes");
        return bytes.AsSpan(offset).ToArray();
    }

    private static byte[] ReadMaybeGzipped(string path)
    {
        try
        {
            var raw = IO.InputFile.ReadAllBytes(path);
            if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw UserError.In(path, $"corrupt gzip data ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(path, $"cannot read the dataset file ({e.Message})");
        }
    }
}
