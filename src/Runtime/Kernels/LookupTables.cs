using System.Numerics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Every lookup table a field can need: a field's table depends only on its value v and the
/// coding, entry u = pop(v &amp; u) (unipolar, AND) or pop(v ^ u) (bipolar, XOR). So instead of
/// building tables per activation row, a row is read as its field values and the kernel loads
/// table v directly. 64 tables of 64 bytes for VPERMB (6-bit fields); 16 tables of 32 bytes
/// (16 entries, repeated per 128-bit lane) for VPSHUFB (4-bit fields).
/// </summary>
internal static unsafe class LookupTables
{
    private static readonly AlignedBuffer<byte> And6 = Build(6, 64, xor: false);
    private static readonly AlignedBuffer<byte> Xor6 = Build(6, 64, xor: true);
    private static readonly AlignedBuffer<byte> And4 = Build(4, 32, xor: false);
    private static readonly AlignedBuffer<byte> Xor4 = Build(4, 32, xor: true);

    /// <summary>The 64 six-bit tables, 64 bytes each: table v starts at v * 64.</summary>
    public static byte* Six(ActivationCoding coding) => (coding == ActivationCoding.Bipolar ? Xor6 : And6).Pointer;

    /// <summary>The 16 four-bit tables, 32 bytes each: table v starts at v * 32.</summary>
    public static byte* Four(ActivationCoding coding) => (coding == ActivationCoding.Bipolar ? Xor4 : And4).Pointer;

    /// <summary>A row's field values, one byte per field, into <paramref name="values"/>.</summary>
    public static void ReadFields(ReadOnlySpan<ulong> row, FieldLayout fields, byte* values)
    {
        // Fields tile the row without gaps, so the bits are read in one sequential pass.
        ulong buffer = 0;
        int buffered = 0, word = 0;
        for (int f = 0; f < fields.Count; f++)
        {
            int length = fields.FieldLength[f];
            if (buffered < length)
            {
                ulong next = row[word++];
                values[f] = (byte)((buffer | (next << buffered)) & ((1UL << length) - 1));
                int used = length - buffered;
                buffer = next >> used;
                buffered = BitMatrix.WordBits - used;
                continue;
            }
            values[f] = (byte)(buffer & ((1UL << length) - 1));
            buffer >>= length;
            buffered -= length;
        }
    }

    private static AlignedBuffer<byte> Build(int bits, int tableBytes, bool xor)
    {
        int values = 1 << bits;
        var tables = new AlignedBuffer<byte>(values * tableBytes);
        var span = tables.Span;
        for (int v = 0; v < values; v++)
        {
            for (int e = 0; e < tableBytes; e++)
            {
                int u = e % values;
                span[(v * tableBytes) + e] = (byte)BitOperations.PopCount((uint)(xor ? v ^ u : v & u));
            }
        }
        return tables;
    }
}
