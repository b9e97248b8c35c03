namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Weights re-laid for the VPOPCNTD count kernels: panels of 64 outputs, and within a panel, 32
/// input bits at a time (a step), the step's 32-bit word of each of the 64 outputs side by side
/// ([panel][step][64 words]), so one 512-bit load brings one step of 16 outputs and a kernel reads
/// one contiguous stream. Outputs are padded with zero rows to whole 256-output tiles (the tile the
/// sinks work in); padded outputs are computed and dropped.
/// </summary>
internal sealed unsafe class PopcountWeights
{
    public PopcountWeights(BitMatrix weights)
    {
        Outputs = weights.Rows;
        Steps = (weights.Columns + 31) / 32;
        PaddedOutputs = Math.Max(1, (Outputs + PackedWeights.OutputPadding - 1) / PackedWeights.OutputPadding) * PackedWeights.OutputPadding;
        PanelBytes = (long)Steps * PopcountCode.PanelOutputs * sizeof(uint);
        Words = new AlignedBuffer<uint>(checked((int)(PaddedOutputs / PopcountCode.PanelOutputs * PanelBytes / sizeof(uint))));
        var words = Words.Span;
        for (int j = 0; j < Outputs; j++)
        {
            var row = weights.Row(j);
            long panel = (j / PopcountCode.PanelOutputs) * PanelBytes / sizeof(uint);
            int lane = j % PopcountCode.PanelOutputs;
            for (int s = 0; s < Steps; s++)
                words[(int)(panel + (s * PopcountCode.PanelOutputs) + lane)] = (uint)(row[s / 2] >> (32 * (s % 2)));
        }
    }

    public int Outputs { get; }
    public int PaddedOutputs { get; }

    /// <summary>32-bit steps per row.</summary>
    public int Steps { get; }

    public long PanelBytes { get; }
    public AlignedBuffer<uint> Words { get; }

    /// <summary>The panel holding output j0 (a multiple of 64), at step <paramref name="step"/>.</summary>
    public byte* Panel(int j0, int step) =>
        (byte*)Words.Pointer + ((j0 / PopcountCode.PanelOutputs) * PanelBytes) + ((long)step * PopcountCode.PanelOutputs * sizeof(uint));

    /// <summary>Whether every chunk starts on a 32-bit step (one chunk, or chunk lengths that are multiples of 32).</summary>
    public static bool Fits(ChunkLayout chunks) => chunks.Count == 1 || chunks.ChunkLength % 32 == 0;
}
