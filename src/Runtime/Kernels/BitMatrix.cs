using System.Numerics;
using System.Runtime.InteropServices;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// A bit-packed matrix: one row per sample (activations) or per output neuron (weights), bit i of
/// a row in bit (i % 64) of 64-bit word i / 64. Rows are padded with zero bits to a whole number
/// of 512-bit vectors so kernels never need a tail. Storage is pinned and 64-byte aligned.
/// </summary>
public sealed unsafe class BitMatrix
{
    public const int WordBits = 64;
    private const int WordsPerVector = 8;

    private readonly ulong[] _storage;
    private readonly int _offset;

    public BitMatrix(int rows, int columns)
    {
        if (rows < 0 || columns < 0) throw new ArgumentOutOfRangeException(nameof(rows), "rows and columns must be non-negative");
        Rows = rows;
        Columns = columns;
        WordsPerRow = Math.Max(1, (columns + (WordsPerVector * WordBits) - 1) / (WordsPerVector * WordBits)) * WordsPerVector;
        // Pinned so kernels can hold raw pointers; the spare vector makes room to align the start to 64 bytes.
        _storage = GC.AllocateArray<ulong>((rows * WordsPerRow) + WordsPerVector, pinned: true);
        nint address = Marshal.UnsafeAddrOfPinnedArrayElement(_storage, 0);
        _offset = (int)(((64 - (address % 64)) % 64) / sizeof(ulong));
    }

    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Words per row, a multiple of 8 (one 512-bit vector); the bits past Columns are zero.</summary>
    public int WordsPerRow { get; }

    public Span<ulong> Row(int row) => _storage.AsSpan(_offset + (row * WordsPerRow), WordsPerRow);

    internal ulong* RowPointer(int row) => (ulong*)Marshal.UnsafeAddrOfPinnedArrayElement(_storage, _offset + (row * WordsPerRow));

    public bool this[int row, int column]
    {
        get => ((Row(row)[column / WordBits] >> (column % WordBits)) & 1) != 0;
        set
        {
            ref ulong word = ref Row(row)[column / WordBits];
            ulong bit = 1UL << (column % WordBits);
            word = value ? word | bit : word & ~bit;
        }
    }

    /// <summary>Set bits of a row between two columns (end exclusive).</summary>
    public int PopCount(int row, int start, int end)
    {
        var words = Row(row);
        int count = 0;
        for (int i = start; i < end;)
        {
            int word = i / WordBits, bit = i % WordBits;
            int take = Math.Min(WordBits - bit, end - i);
            ulong mask = take == WordBits ? ulong.MaxValue : ((1UL << take) - 1) << bit;
            count += BitOperations.PopCount(words[word] & mask);
            i += take;
        }
        return count;
    }

    /// <summary>Packs signs: bipolar bit = (v &gt;= 0), the +1 of s(v); unipolar bit = (v &gt; 0).</summary>
    public static BitMatrix FromSigns(ReadOnlySpan<float> values, int rows, int columns, ActivationCoding coding) =>
        FromSignsOf(values, rows, columns, coding);

    /// <summary>Packs signs of doubles, with the same rule as the float overload.</summary>
    public static BitMatrix FromSigns(ReadOnlySpan<double> values, int rows, int columns, ActivationCoding coding) =>
        FromSignsOf(values, rows, columns, coding);

    private static BitMatrix FromSignsOf<T>(ReadOnlySpan<T> values, int rows, int columns, ActivationCoding coding)
        where T : System.Numerics.INumber<T>
    {
        CheckLength(values.Length, rows, columns);
        var matrix = new BitMatrix(rows, columns);
        bool unipolar = coding == ActivationCoding.Unipolar;
        for (int r = 0; r < rows; r++)
        {
            var source = values.Slice(r * columns, columns);
            var target = matrix.Row(r);
            for (int c = 0; c < columns; c++)
            {
                T v = source[c];
                if (unipolar ? v > T.Zero : v >= T.Zero) target[c / WordBits] |= 1UL << (c % WordBits);
            }
        }
        return matrix;
    }

    /// <summary>Uniformly random bits (padding stays zero), for tests and benchmarks.</summary>
    public static BitMatrix Random(int rows, int columns, SplitMix64 rng)
    {
        var matrix = new BitMatrix(rows, columns);
        for (int r = 0; r < rows; r++)
        {
            var row = matrix.Row(r);
            for (int w = 0; w * WordBits < columns; w++)
            {
                int bits = Math.Min(WordBits, columns - (w * WordBits));
                row[w] = rng.NextUInt64() & (bits == WordBits ? ulong.MaxValue : (1UL << bits) - 1);
            }
        }
        return matrix;
    }

    private static void CheckLength(int length, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || length != (long)rows * columns)
            throw new ArgumentException($"{length} values do not fill a {rows} x {columns} matrix");
    }
}
