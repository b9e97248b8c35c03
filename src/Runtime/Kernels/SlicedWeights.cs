namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Weights re-laid for the table-lookup kernels: for each field, one byte per output neuron
/// holding that neuron's field bits, so one vector load brings the same field of 64 (or 32)
/// neurons. Tile-major ([tile][field][neuron in tile]) so a tile's kernel reads one contiguous
/// stream. Outputs are padded with zero bytes to whole tiles; padded outputs are computed and dropped.
/// </summary>
internal sealed unsafe class SlicedWeights
{
    public SlicedWeights(BitMatrix weights, FieldLayout fields, int tileOutputs)
    {
        Fields = fields;
        Outputs = weights.Rows;
        TileOutputs = tileOutputs;
        PaddedOutputs = Math.Max(1, (Outputs + tileOutputs - 1) / tileOutputs) * tileOutputs;
        Bytes = new AlignedBuffer<byte>(checked(fields.Count * PaddedOutputs));
        var bytes = Bytes.Span;
        for (int j = 0; j < Outputs; j++)
        {
            var row = weights.Row(j);
            long tileStart = (long)(j / tileOutputs) * fields.Count * tileOutputs;
            int lane = j % tileOutputs;
            for (int f = 0; f < fields.Count; f++)
                bytes[(int)(tileStart + ((long)f * tileOutputs) + lane)] = (byte)FieldLayout.Read(row, fields.FieldStart[f], fields.FieldLength[f]);
        }
    }

    public FieldLayout Fields { get; }
    public int Outputs { get; }
    public int TileOutputs { get; }
    public int PaddedOutputs { get; }
    public AlignedBuffer<byte> Bytes { get; }

    /// <summary>Field 0 of the tile that starts at output j0; field f is f * TileOutputs bytes further.</summary>
    public byte* Tile(int j0) => Bytes.Pointer + ((long)(j0 / TileOutputs) * Fields.Count * TileOutputs);
}
