using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The AVX2 kernel: the same table lookup as <see cref="Avx512Counter"/> with VPSHUFB, which
/// indexes a 16-entry table per 128-bit lane, so fields are 4 bits and one lookup covers 32
/// output neurons (128 bit-products).
/// </summary>
internal static unsafe class Avx2Counter
{
    public const int FieldBits = 4;
    public const int BlockOutputs = 32;
    public const int TileOutputs = 4 * BlockOutputs;
    public const int TableBytes = 32;

    /// <summary>Each field adds at most 4 to a byte: 63 * 4 = 252.</summary>
    private const int FieldsPerByteSum = 63;

    /// <summary>16,000 * 4 &lt; 65,536.</summary>
    private const int FieldsPerShortSum = 16_000;

    /// <param name="values">The row's field values; <paramref name="tables"/> is <see cref="LookupTables.Four"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CountTile<TSink>(byte* values, byte* tables, SlicedWeights weights, int row, int j0, TileScratch scratch, TSink sink)
        where TSink : struct, ICountSink
    {
        var fields = weights.Fields;
        long stride = TileOutputs;
        byte* columns = weights.Tile(j0);
        int* counts = scratch.Counts;
        sink.BeginTile(row, j0, TileOutputs, scratch);
        for (int chunk = 0; chunk < fields.Chunks.Count; chunk++)
        {
            int first = fields.FirstField[chunk], end = fields.FirstField[chunk + 1];
            new Span<int>(counts, TileOutputs).Clear();
            for (int start = first; start < end; start += FieldsPerShortSum)
                CountFields(values, tables, columns, stride, start, Math.Min(end, start + FieldsPerShortSum), counts);
            sink.Accept(row, j0, TileOutputs, chunk, scratch);
        }
        sink.EndTile(row, j0, TileOutputs, scratch);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountFields(byte* values, byte* tables, byte* columns, long stride, int first, int end, int* counts)
    {
        Vector256<ushort> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<ushort> s4 = default, s5 = default, s6 = default, s7 = default;
        for (int group = first; group < end; group += FieldsPerByteSum)
        {
            int groupEnd = Math.Min(end, group + FieldsPerByteSum);
            Vector256<byte> b0 = default, b1 = default, b2 = default, b3 = default;
            byte* column = columns + (group * stride);
            for (int f = group; f < groupEnd; f++)
            {
                var t = Vector256.LoadAligned(tables + (values[f] * TableBytes));
                b0 += Avx2.Shuffle(t, Vector256.LoadAligned(column));
                b1 += Avx2.Shuffle(t, Vector256.LoadAligned(column + 32));
                b2 += Avx2.Shuffle(t, Vector256.LoadAligned(column + 64));
                b3 += Avx2.Shuffle(t, Vector256.LoadAligned(column + 96));
                column += stride;
            }
            (var l0, var h0) = Vector256.Widen(b0);
            (var l1, var h1) = Vector256.Widen(b1);
            (var l2, var h2) = Vector256.Widen(b2);
            (var l3, var h3) = Vector256.Widen(b3);
            s0 += l0; s1 += h0; s2 += l1; s3 += h1;
            s4 += l2; s5 += h2; s6 += l3; s7 += h3;
        }
        AddWidened(s0, counts);
        AddWidened(s1, counts + 16);
        AddWidened(s2, counts + 32);
        AddWidened(s3, counts + 48);
        AddWidened(s4, counts + 64);
        AddWidened(s5, counts + 80);
        AddWidened(s6, counts + 96);
        AddWidened(s7, counts + 112);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(Vector256<ushort> sums, int* counts)
    {
        (var low, var high) = Vector256.Widen(sums);
        (Vector256.Load(counts) + low.AsInt32()).Store(counts);
        (Vector256.Load(counts + 8) + high.AsInt32()).Store(counts + 8);
    }
}
