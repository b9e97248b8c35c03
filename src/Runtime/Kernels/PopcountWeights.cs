namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Weights re-laid for the VPOPCNTQ kernels: panels of 4 outputs, and within a panel, step by
/// step (512 bits), the 4 outputs' 64-byte vectors side by side ([panel][step][output][64 bytes]),
/// so a kernel reads one contiguous stream. Outputs are padded with zero rows to whole 256-output
/// tiles (the tile the sinks work in); padded outputs are computed and dropped.
/// </summary>
internal sealed unsafe class PopcountWeights
{
    public PopcountWeights(BitMatrix weights)
    {
        Outputs = weights.Rows;
        Steps = weights.WordsPerRow / 8;
        PaddedOutputs = Math.Max(1, (Outputs + PackedWeights.OutputPadding - 1) / PackedWeights.OutputPadding) * PackedWeights.OutputPadding;
        PanelBytes = (long)Steps * PopcountCode.PanelOutputs * PopcountCode.StepBytes;
        Bytes = new AlignedBuffer<ulong>(checked((int)(PaddedOutputs / PopcountCode.PanelOutputs * PanelBytes / sizeof(ulong))));
        var words = Bytes.Span;
        for (int j = 0; j < Outputs; j++)
        {
            var row = weights.Row(j);
            long panel = (j / PopcountCode.PanelOutputs) * PanelBytes / sizeof(ulong);
            int lane = j % PopcountCode.PanelOutputs;
            for (int s = 0; s < Steps; s++)
                row.Slice(s * 8, 8).CopyTo(words.Slice((int)(panel + (((s * PopcountCode.PanelOutputs) + lane) * 8)), 8));
        }
    }

    public int Outputs { get; }
    public int PaddedOutputs { get; }

    /// <summary>512-bit steps per row (the padded row length / 512).</summary>
    public int Steps { get; }

    public long PanelBytes { get; }
    public AlignedBuffer<ulong> Bytes { get; }

    /// <summary>The panel holding output j0 (a multiple of 4), at step <paramref name="step"/>.</summary>
    public byte* Panel(int j0, int step) =>
        (byte*)Bytes.Pointer + ((j0 / PopcountCode.PanelOutputs) * PanelBytes) + ((long)step * PopcountCode.PanelOutputs * PopcountCode.StepBytes);

    /// <summary>Whether every chunk starts on a 512-bit step (one chunk, or chunk lengths that are multiples of 512).</summary>
    public static bool Fits(ChunkLayout chunks) => chunks.Count == 1 || chunks.ChunkLength % 512 == 0;
}
