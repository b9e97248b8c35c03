namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Consecutive chunks of <see cref="ChunkLength"/> bits along a row of <see cref="Length"/> bits,
/// the last one shorter when the chunk length does not divide the row (the Hadamard chunks of hb).
/// A chunk length at least the row length gives one chunk: the plain binary product.
/// </summary>
public sealed class ChunkLayout
{
    public ChunkLayout(int length, int chunkLength)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), "a row needs at least one bit");
        if (chunkLength < 1) throw new ArgumentOutOfRangeException(nameof(chunkLength), "the chunk length must be at least 1");
        Length = length;
        ChunkLength = Math.Min(chunkLength, length);
        Count = (length + ChunkLength - 1) / ChunkLength;
    }

    /// <summary>One chunk covering the whole row.</summary>
    public static ChunkLayout Whole(int length) => new(length, length);

    public int Length { get; }
    public int ChunkLength { get; }
    public int Count { get; }

    public int Start(int chunk) => chunk * ChunkLength;

    public int LengthOf(int chunk) => Math.Min(ChunkLength, Length - Start(chunk));
}
