namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Weights re-laid for the table-lookup kernels: for each field, one byte per output neuron
/// holding that neuron's field bits, so one vector load brings the same field of 64 (or 32)
/// neurons. Outputs are padded with zero bytes to whole tiles; padded outputs are computed and dropped.
/// </summary>
internal sealed unsafe class SlicedWeights
{
    public SlicedWeights(BitMatrix weights, FieldLayout fields, int tileOutputs)
    {
        Fields = fields;
        Outputs = weights.Rows;
        PaddedOutputs = Math.Max(1, (Outputs + tileOutputs - 1) / tileOutputs) * tileOutputs;
        Bytes = new AlignedBuffer<byte>(fields.Count * PaddedOutputs);
        var bytes = Bytes.Span;
        for (int j = 0; j < Outputs; j++)
        {
            var row = weights.Row(j);
            for (int f = 0; f < fields.Count; f++)
                bytes[(f * PaddedOutputs) + j] = (byte)FieldLayout.Read(row, fields.FieldStart[f], fields.FieldLength[f]);
        }
    }

    public FieldLayout Fields { get; }
    public int Outputs { get; }
    public int PaddedOutputs { get; }
    public AlignedBuffer<byte> Bytes { get; }

    public byte* Field(int field) => Bytes.Pointer + ((long)field * PaddedOutputs);
}
