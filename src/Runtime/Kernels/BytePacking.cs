using System.Runtime.Intrinsics;

namespace HwFlow.Runtime.Kernels;

/// <summary>Bits stored one per byte (the graph's bits values, 0 or 1) packed into words, 64 at a time by vector compares.</summary>
internal static class BytePacking
{
    /// <summary>Bit i of <paramref name="source"/> into bit i % 64 of word i / 64 of <paramref name="target"/> (the words it covers are overwritten).</summary>
    public static void Pack(ReadOnlySpan<byte> source, Span<ulong> target)
    {
        int i = 0;
        for (; i + 64 <= source.Length; i += 64)
            target[i / 64] = Vector512.GreaterThan(Vector512.Create(source.Slice(i, 64)), Vector512<byte>.Zero).ExtractMostSignificantBits();
        if (i == source.Length) return;
        ulong word = 0;
        int at = i;
        for (; i + 32 <= source.Length; i += 32)
            word |= (ulong)Vector256.GreaterThan(Vector256.Create(source.Slice(i, 32)), Vector256<byte>.Zero).ExtractMostSignificantBits() << (i - at);
        for (; i < source.Length; i++) word |= (ulong)source[i] << (i - at);
        target[at / 64] = word;
    }
}
