namespace HwFlow.Runtime.Kernels;

/// <summary>Each chunk's bits as (word index, mask) pairs over a packed row.</summary>
internal sealed class WordSegments
{
    public WordSegments(ChunkLayout chunks)
    {
        var words = new List<int>();
        var masks = new List<ulong>();
        FirstSegment = new int[chunks.Count + 1];
        for (int c = 0; c < chunks.Count; c++)
        {
            FirstSegment[c] = words.Count;
            int end = chunks.Start(c) + chunks.LengthOf(c);
            for (int i = chunks.Start(c); i < end;)
            {
                int bit = i % BitMatrix.WordBits;
                int take = Math.Min(BitMatrix.WordBits - bit, end - i);
                words.Add(i / BitMatrix.WordBits);
                masks.Add(take == BitMatrix.WordBits ? ulong.MaxValue : ((1UL << take) - 1) << bit);
                i += take;
            }
        }
        FirstSegment[chunks.Count] = words.Count;
        Word = [.. words];
        Mask = [.. masks];
    }

    public int[] FirstSegment { get; }
    public int[] Word { get; }
    public ulong[] Mask { get; }
}
