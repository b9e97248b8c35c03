using System.Buffers.Binary;
using System.IO.Compression;
using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.Data;

/// <summary>Reads the IDX format of MNIST and Fashion-MNIST, gzipped or raw (told apart by the gzip magic).</summary>
public static class IdxFile
{
    /// <summary>
    /// Reads an idx3-ubyte image file: (count in the file, rows, columns, pixels), the pixels of
    /// the first <paramref name="first"/> images only when given (all when it is null or larger).
    /// </summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path, int? first = null)
    {
        var (dims, pixels) = Read(path, 3, 16, d => $"{d[0]} images of {d[1]}x{d[2]}", d => (long)Math.Min(first ?? d[0], d[0]) * d[1] * d[2]);
        return (dims[0], dims[1], dims[2], pixels);
    }

    /// <summary>Reads an idx1-ubyte label file: the count its header announces, and its labels (the first <paramref name="first"/> only when given).</summary>
    public static (int Count, byte[] Labels) ReadLabels(string path, int? first = null)
    {
        var (dims, labels) = Read(path, 1, 8, d => $"{d[0]} labels", d => Math.Min(first ?? d[0], d[0]));
        return (dims[0], labels);
    }

    /// <summary>
    /// The header's dimensions and the first <paramref name="wanted"/>(dims) bytes of the body. A
    /// gzipped file whose trailer (the uncompressed size) agrees with the header is inflated
    /// straight into the body's array: one 7.8 MB copy for the test images instead of five, and
    /// only as far as the wanted bytes (`hwflow sim --count 8` inflates 6 KB, not 7.8 MB: the
    /// rest of the file is then not read, so damage past the wanted images goes unnoticed there;
    /// a whole read still checks all of it).
    /// </summary>
    private static (int[] Dims, byte[] Body) Read(string path, int expectedDims, int offset, Func<int[], string> what, Func<int[], long> wanted)
    {
        try
        {
            var raw = IO.InputFile.ReadAllBytes(path);
            bool gzipped = raw.Length >= 18 && raw[0] == 0x1f && raw[1] == 0x8b;
            if (gzipped && Inflated(raw, path, expectedDims, offset, wanted) is { } direct) return direct;
            var bytes = gzipped ? Gunzip(raw) : raw;
            var dims = Header(bytes, path, expectedDims);
            long size = dims.Aggregate(1L, (a, d) => a * d);
            return (dims, Body(bytes, path, offset, size, what(dims), wanted(dims)));
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

    /// <summary>Null when the gzip trailer's size does not match the header (then the whole file is inflated and checked as before).</summary>
    private static (int[] Dims, byte[] Body)? Inflated(byte[] raw, string path, int expectedDims, int offset, Func<int[], long> wanted)
    {
        uint trailerSize = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4));
        using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        var header = new byte[offset];
        if (gzip.ReadAtLeast(header, offset, throwOnEndOfStream: false) < offset) return null;
        var dims = Header(header, path, expectedDims);
        long size = dims.Aggregate(1L, (a, d) => a * d);
        if (size > Array.MaxLength - offset || (uint)(size + offset) != trailerSize) return null;
        long take = wanted(dims);
        var body = GC.AllocateUninitializedArray<byte>((int)take);
        if (gzip.ReadAtLeast(body, body.Length, throwOnEndOfStream: false) < body.Length) return null;
        if (take == size && gzip.ReadByte() >= 0) return null;
        return (dims, body);
    }

    private static byte[] Gunzip(byte[] raw)
    {
        using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
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

    private static byte[] Body(byte[] bytes, string path, int offset, long size, string what, long take)
    {
        long available = bytes.Length - offset;
        if (available != size)
            throw UserError.In(path, $"the header announces {what} ({size} bytes) but the file holds {available} bytes");
        return bytes.AsSpan(offset, (int)take).ToArray();
    }
}
