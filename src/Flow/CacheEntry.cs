using System.IO.Hashing;
using HwFlow.Runtime.IO;

namespace HwFlow.Flow;

/// <summary>
/// One file of the netlist cache: a magic line naming its kind, the 128-bit key it answers for,
/// the payload, and the XXH128 of everything before it (a check against damage, not against an
/// adversary: the cache is the user's own). An entry whose magic, key or hash does not match is
/// never opened. Each kind keeps at most a given number of entries; the oldest go.
/// </summary>
internal static class CacheEntry
{
    private const int HashBytes = 16;

    /// <summary>The payload of the entry at <paramref name="path"/>, if it is a whole entry of this kind for this key.</summary>
    public static MemoryStream? TryOpen(string path, byte[] magic, byte[] key)
    {
        if (CacheFile.TryRead(path) is not { } file) return null;
        int header = magic.Length + HashBytes;
        if (file.Length < header + HashBytes) return null;
        var span = file.AsSpan();
        if (!span[..magic.Length].SequenceEqual(magic) || !span.Slice(magic.Length, HashBytes).SequenceEqual(key)) return null;
        if (!XxHash128.Hash(span[..^HashBytes]).AsSpan().SequenceEqual(span[^HashBytes..])) return null;
        return new MemoryStream(file, header, file.Length - header - HashBytes, writable: false);
    }

    /// <summary>Writes an entry (best effort), then prunes this kind's entries in its folder to <paramref name="keep"/>.</summary>
    public static void TryWrite(string path, byte[] magic, byte[] key, int keep, Action<Stream> payload)
    {
        using var output = new MemoryStream();
        output.Write(magic);
        output.Write(key);
        payload(output);
        output.Write(XxHash128.Hash(output.GetBuffer().AsSpan(0, (int)output.Length)));
        if (!CacheFile.TryWrite(path, output.GetBuffer().AsSpan(0, (int)output.Length))) return;
        try
        {
            Prune(Path.GetDirectoryName(path)!, path, magic, keep);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // another run pruned the same files, or the folder is not ours to tidy: the entry is written
        }
    }

    private static void Prune(string root, string written, byte[] magic, int keep)
    {
        // Only files this cache wrote (they start with its magic): HWFLOW_CACHE may point anywhere.
        var entries = new DirectoryInfo(root).GetFiles("*" + Path.GetExtension(written)).Where(e => StartsWith(e, magic)).ToList();
        if (entries.Count <= keep) return;
        foreach (var old in entries.Where(e => e.FullName != written).OrderByDescending(e => e.LastWriteTimeUtc).Skip(keep - 1))
            old.Delete(); // a file another run deleted first is no error
    }

    private static bool StartsWith(FileInfo file, byte[] magic)
    {
        try
        {
            using var stream = file.OpenRead();
            Span<byte> head = stackalloc byte[magic.Length];
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(magic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone or not readable: not ours to delete
        }
    }
}
