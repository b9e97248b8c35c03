using System.Runtime.Intrinsics;

namespace HwFlow.Runtime.Kernels;

/// <summary>Per-thread scratch a kernel hands to its sink: one tile of counts, of float sums and of integer totals.</summary>
internal readonly unsafe struct TileScratch(int* counts, float* sums, long* totals)
{
    public int* Counts { get; } = counts;
    public float* Sums { get; } = sums;
    public long* Totals { get; } = totals;
}

/// <summary>
/// Receives a kernel's raw counts: for one activation row, one tile of outputs starting at j0 and
/// one chunk, counts[i] = pop(a op w) over the chunk's bits (op = AND for unipolar, XOR for
/// bipolar). Implemented by structs so the JIT specializes and inlines each kernel per sink.
/// </summary>
internal unsafe interface ICountSink
{
    void BeginTile(int row, int j0, int width, TileScratch scratch);

    void Accept(int row, int j0, int width, int chunk, TileScratch scratch);

    void EndTile(int row, int j0, int width, TileScratch scratch);
}

/// <summary>What a count means: the signed per-chunk product P = 2 pop(a &amp; w) - pop(a), or length - 2 pop(a ^ w).</summary>
internal readonly unsafe struct SignedCounts(ChunkLayout chunks, ActivationCoding coding, int* activationPopCounts)
{
    /// <summary>P = Slope * count + Offset(row, chunk).</summary>
    public int Slope => coding == ActivationCoding.Unipolar ? 2 : -2;

    public int Offset(int row, int chunk) => coding == ActivationCoding.Unipolar
        ? -activationPopCounts[(row * chunks.Count) + chunk]
        : chunks.LengthOf(chunk);
}

/// <summary>Writes the signed per-chunk counts P[row, j, chunk].</summary>
internal readonly unsafe struct ChunkCountSink(SignedCounts signed, int* output, int outputs, int chunks) : ICountSink
{
    public void BeginTile(int row, int j0, int width, TileScratch scratch)
    {
    }

    public void Accept(int row, int j0, int width, int chunk, TileScratch scratch)
    {
        int end = Math.Min(width, outputs - j0);
        int* target = output + ((((long)row * outputs) + j0) * chunks) + chunk;
        int slope = signed.Slope, offset = signed.Offset(row, chunk);
        int i = 0;
        if (chunks == 1)
        {
            // One chunk: the outputs are contiguous, so P = slope * count + offset goes a vector at a time.
            var slopes = Vector256.Create(slope);
            var offsets = Vector256.Create(offset);
            for (; i + Vector256<int>.Count <= end; i += Vector256<int>.Count)
                ((Vector256.Load(scratch.Counts + i) * slopes) + offsets).Store(target + i);
        }
        for (; i < end; i++) target[(long)i * chunks] = (slope * scratch.Counts[i]) + offset;
    }

    public void EndTile(int row, int j0, int width, TileScratch scratch)
    {
    }
}
