using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The AVX-512 kernel for one activation row. .NET 10 exposes no VPOPCNTQ intrinsic, so instead
/// of popcounting (a op w) word by word it looks counts up: a 6-bit activation field a selects
/// the 64-entry table T[u] = pop(a op u) (<see cref="LookupTables"/>), and one VPERMB gives the
/// field's count for 64 output neurons at once (their field bits, pre-sliced one byte per neuron,
/// are the indices). One lookup + one byte add covers 384 bit-products; counts are widened
/// before bytes overflow.
/// </summary>
internal static unsafe class Avx512Counter
{
    public const int FieldBits = 6;
    public const int BlockOutputs = 64;
    public const int TileOutputs = 4 * BlockOutputs;
    public const int TableBytes = 64;

    /// <summary>Fields summed in bytes before widening: each adds at most 6, and 42 * 6 = 252 fits a byte.</summary>
    private const int FieldsPerByteSum = 42;

    /// <summary>Fields summed in 16-bit lanes before widening to int: 10,000 * 6 &lt; 65,536.</summary>
    private const int FieldsPerShortSum = 10_000;

    /// <summary>Counts one tile (256 outputs from j0) for every chunk and hands each chunk to the sink.</summary>
    /// <param name="values">The row's field values; <paramref name="tables"/> is <see cref="LookupTables.Six"/>.</param>
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

    /// <summary>Adds the counts over fields [first, end) for four blocks of 64 outputs to counts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountFields(byte* values, byte* tables, byte* columns, long stride, int first, int end, int* counts)
    {
        Vector512<ushort> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector512<ushort> s4 = default, s5 = default, s6 = default, s7 = default;
        for (int group = first; group < end; group += FieldsPerByteSum)
        {
            int groupEnd = Math.Min(end, group + FieldsPerByteSum);
            Vector512<byte> b0 = default, b1 = default, b2 = default, b3 = default;
            byte* column = columns + (group * stride);
            for (int f = group; f < groupEnd; f++)
            {
                var t = Vector512.LoadAligned(tables + (values[f] * TableBytes));
                b0 += Avx512Vbmi.PermuteVar64x8(t, Vector512.LoadAligned(column));
                b1 += Avx512Vbmi.PermuteVar64x8(t, Vector512.LoadAligned(column + 64));
                b2 += Avx512Vbmi.PermuteVar64x8(t, Vector512.LoadAligned(column + 128));
                b3 += Avx512Vbmi.PermuteVar64x8(t, Vector512.LoadAligned(column + 192));
                column += stride;
            }
            (var l0, var h0) = Vector512.Widen(b0);
            (var l1, var h1) = Vector512.Widen(b1);
            (var l2, var h2) = Vector512.Widen(b2);
            (var l3, var h3) = Vector512.Widen(b3);
            s0 += l0; s1 += h0; s2 += l1; s3 += h1;
            s4 += l2; s5 += h2; s6 += l3; s7 += h3;
        }
        AddWidened(s0, counts);
        AddWidened(s1, counts + 32);
        AddWidened(s2, counts + 64);
        AddWidened(s3, counts + 96);
        AddWidened(s4, counts + 128);
        AddWidened(s5, counts + 160);
        AddWidened(s6, counts + 192);
        AddWidened(s7, counts + 224);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(Vector512<ushort> sums, int* counts)
    {
        (var low, var high) = Vector512.Widen(sums);
        (Vector512.Load(counts) + low.AsInt32()).Store(counts);
        (Vector512.Load(counts + 16) + high.AsInt32()).Store(counts + 16);
    }
}
