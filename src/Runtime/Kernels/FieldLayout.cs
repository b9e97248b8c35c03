namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The table-lookup kernels read a row in fields of a few bits (6 for VPERMB, 4 for VPSHUFB).
/// Fields never straddle a chunk: each chunk is cut into fields from its start, the last one
/// shorter, so a chunk's count is the sum over exactly its own fields.
/// </summary>
internal sealed class FieldLayout
{
    public FieldLayout(ChunkLayout chunks, int fieldBits)
    {
        Chunks = chunks;
        FieldBits = fieldBits;
        FirstField = new int[chunks.Count + 1];
        var starts = new List<int>();
        var lengths = new List<int>();
        for (int c = 0; c < chunks.Count; c++)
        {
            FirstField[c] = starts.Count;
            int end = chunks.Start(c) + chunks.LengthOf(c);
            for (int s = chunks.Start(c); s < end; s += fieldBits)
            {
                starts.Add(s);
                lengths.Add(Math.Min(fieldBits, end - s));
            }
        }
        FirstField[chunks.Count] = starts.Count;
        FieldStart = [.. starts];
        FieldLength = [.. lengths];
    }

    public ChunkLayout Chunks { get; }
    public int FieldBits { get; }

    /// <summary>Index of the first field of each chunk, plus one entry past the last chunk.</summary>
    public int[] FirstField { get; }

    public int[] FieldStart { get; }
    public int[] FieldLength { get; }
    public int Count => FieldStart.Length;

    /// <summary>The field's bits of a packed row, as a small integer (bit 0 = the field's first column).</summary>
    public static int Read(ReadOnlySpan<ulong> row, int start, int length)
    {
        int word = start / BitMatrix.WordBits, bit = start % BitMatrix.WordBits;
        ulong value = row[word] >> bit;
        if (bit + length > BitMatrix.WordBits) value |= row[word + 1] << (BitMatrix.WordBits - bit);
        return (int)(value & ((1UL << length) - 1));
    }
}
