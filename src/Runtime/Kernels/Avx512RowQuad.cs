using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The AVX-512 micro-kernel for four activation rows at once: per field, four tables (one per
/// row, picked by the row's field value) and four weight vectors (64 neurons each) stay in
/// registers for 16 VPERMB lookups, so each weight byte loaded serves four rows and the loop
/// runs at the VPERMB issue rate instead of the L2 bandwidth. Byte sums go to 16-bit sums in memory every 42 fields (or straight to
/// the int counts when the chunk has no more than 42 fields).
/// </summary>
internal static unsafe class Avx512RowQuad
{
    public const int Rows = 4;
    private const int FieldsPerByteSum = 42;
    private const int FieldsPerShortSum = 10_000;
    private const int Tile = Avx512Counter.TileOutputs;
    private const int TableBytes = Avx512Counter.TableBytes;

    /// <param name="values">Four rows' field values, <paramref name="valueStride"/> bytes apart.</param>
    /// <param name="tables"><see cref="LookupTables.Six"/> for the coding.</param>
    /// <param name="scratch">Counts and sums for four rows, <see cref="Tile"/> entries apart; shorts for 4 x 256 16-bit sums.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CountTile<TSink>(byte* values, long valueStride, byte* tables, SlicedWeights weights, int firstRow, int j0,
        TileScratch scratch, ushort* shorts, TSink sink)
        where TSink : struct, ICountSink
    {
        var fields = weights.Fields;
        byte* columns = weights.Tile(j0);
        for (int r = 0; r < Rows; r++) sink.BeginTile(firstRow + r, j0, Tile, RowScratch(scratch, r));
        for (int chunk = 0; chunk < fields.Chunks.Count; chunk++)
        {
            int first = fields.FirstField[chunk], end = fields.FirstField[chunk + 1];
            if (end - first <= FieldsPerByteSum)
            {
                Sum(values, valueStride, tables, columns, first, end, null, scratch.Counts);
            }
            else
            {
                new Span<int>(scratch.Counts, Rows * Tile).Clear();
                for (int start = first; start < end; start += FieldsPerShortSum)
                {
                    int stop = Math.Min(end, start + FieldsPerShortSum);
                    new Span<ushort>(shorts, Rows * Tile).Clear();
                    for (int group = start; group < stop; group += FieldsPerByteSum)
                        Sum(values, valueStride, tables, columns, group, Math.Min(stop, group + FieldsPerByteSum), shorts, null);
                    AddShorts(shorts, scratch.Counts);
                }
            }
            for (int r = 0; r < Rows; r++) sink.Accept(firstRow + r, j0, Tile, chunk, RowScratch(scratch, r));
        }
        for (int r = 0; r < Rows; r++) sink.EndTile(firstRow + r, j0, Tile, RowScratch(scratch, r));
    }

    public static TileScratch RowScratch(TileScratch scratch, int row) => new(scratch.Counts + (row * Tile), scratch.Sums + (row * Tile), scratch.Totals + (row * Tile));

    /// <summary>
    /// Byte sums over at most 42 fields for 4 rows x 256 outputs, then either added to the 16-bit
    /// sums (<paramref name="shorts"/>) or stored as the counts (<paramref name="counts"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sum(byte* values, long valueStride, byte* tables, byte* columns, int first, int end, ushort* shorts, int* counts)
    {
        Vector512<byte> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<byte> b0 = default, b1 = default, b2 = default, b3 = default;
        Vector512<byte> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<byte> d0 = default, d1 = default, d2 = default, d3 = default;
        byte* v0 = values, v1 = values + valueStride, v2 = values + (2 * valueStride), v3 = values + (3 * valueStride);
        byte* column = columns + ((long)first * Tile);
        for (int f = first; f < end; f++)
        {
            var w0 = Vector512.LoadAligned(column);
            var w1 = Vector512.LoadAligned(column + 64);
            var w2 = Vector512.LoadAligned(column + 128);
            var w3 = Vector512.LoadAligned(column + 192);
            var t = Vector512.LoadAligned(tables + (v0[f] * TableBytes));
            a0 += Avx512Vbmi.PermuteVar64x8(t, w0);
            a1 += Avx512Vbmi.PermuteVar64x8(t, w1);
            a2 += Avx512Vbmi.PermuteVar64x8(t, w2);
            a3 += Avx512Vbmi.PermuteVar64x8(t, w3);
            t = Vector512.LoadAligned(tables + (v1[f] * TableBytes));
            b0 += Avx512Vbmi.PermuteVar64x8(t, w0);
            b1 += Avx512Vbmi.PermuteVar64x8(t, w1);
            b2 += Avx512Vbmi.PermuteVar64x8(t, w2);
            b3 += Avx512Vbmi.PermuteVar64x8(t, w3);
            t = Vector512.LoadAligned(tables + (v2[f] * TableBytes));
            c0 += Avx512Vbmi.PermuteVar64x8(t, w0);
            c1 += Avx512Vbmi.PermuteVar64x8(t, w1);
            c2 += Avx512Vbmi.PermuteVar64x8(t, w2);
            c3 += Avx512Vbmi.PermuteVar64x8(t, w3);
            t = Vector512.LoadAligned(tables + (v3[f] * TableBytes));
            d0 += Avx512Vbmi.PermuteVar64x8(t, w0);
            d1 += Avx512Vbmi.PermuteVar64x8(t, w1);
            d2 += Avx512Vbmi.PermuteVar64x8(t, w2);
            d3 += Avx512Vbmi.PermuteVar64x8(t, w3);
            column += Tile;
        }
        if (shorts is not null)
        {
            AddBytes(a0, shorts); AddBytes(a1, shorts + 64); AddBytes(a2, shorts + 128); AddBytes(a3, shorts + 192);
            AddBytes(b0, shorts + 256); AddBytes(b1, shorts + 320); AddBytes(b2, shorts + 384); AddBytes(b3, shorts + 448);
            AddBytes(c0, shorts + 512); AddBytes(c1, shorts + 576); AddBytes(c2, shorts + 640); AddBytes(c3, shorts + 704);
            AddBytes(d0, shorts + 768); AddBytes(d1, shorts + 832); AddBytes(d2, shorts + 896); AddBytes(d3, shorts + 960);
        }
        else
        {
            StoreBytes(a0, counts); StoreBytes(a1, counts + 64); StoreBytes(a2, counts + 128); StoreBytes(a3, counts + 192);
            StoreBytes(b0, counts + 256); StoreBytes(b1, counts + 320); StoreBytes(b2, counts + 384); StoreBytes(b3, counts + 448);
            StoreBytes(c0, counts + 512); StoreBytes(c1, counts + 576); StoreBytes(c2, counts + 640); StoreBytes(c3, counts + 704);
            StoreBytes(d0, counts + 768); StoreBytes(d1, counts + 832); StoreBytes(d2, counts + 896); StoreBytes(d3, counts + 960);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddBytes(Vector512<byte> sums, ushort* target)
    {
        (var low, var high) = Vector512.Widen(sums);
        (Vector512.LoadAligned(target) + low).StoreAligned(target);
        (Vector512.LoadAligned(target + 32) + high).StoreAligned(target + 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBytes(Vector512<byte> sums, int* target)
    {
        (var low, var high) = Vector512.Widen(sums);
        (var l0, var l1) = Vector512.Widen(low);
        (var h0, var h1) = Vector512.Widen(high);
        l0.AsInt32().StoreAligned(target);
        l1.AsInt32().StoreAligned(target + 16);
        h0.AsInt32().StoreAligned(target + 32);
        h1.AsInt32().StoreAligned(target + 48);
    }

    private static void AddShorts(ushort* shorts, int* counts)
    {
        for (int i = 0; i < Rows * Tile; i += 32)
        {
            (var low, var high) = Vector512.Widen(Vector512.LoadAligned(shorts + i));
            (Vector512.LoadAligned(counts + i) + low.AsInt32()).StoreAligned(counts + i);
            (Vector512.LoadAligned(counts + i + 16) + high.AsInt32()).StoreAligned(counts + i + 16);
        }
    }
}
