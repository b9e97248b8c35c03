namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Weights re-laid for the fused Hadamard VPOPCNTQ kernel: panels of 4 outputs, and within a
/// panel, step by step (512 bits = 8 chunks of 64), the 4 outputs' 64-byte vectors side by side
/// ([panel][step][output][64 bytes]), so the kernel reads one contiguous stream. Outputs are
/// padded with zero rows to whole 256-output tiles; padded outputs are computed and dropped.
/// </summary>
internal sealed unsafe class HadamardPanels
{
    public const int PanelOutputs = 4;
    public const int StepBytes = 64;

    public HadamardPanels(BitMatrix weights)
    {
        Outputs = weights.Rows;
        Steps = weights.WordsPerRow / 8;
        PaddedOutputs = Math.Max(1, (Outputs + PackedWeights.OutputPadding - 1) / PackedWeights.OutputPadding) * PackedWeights.OutputPadding;
        PanelBytes = (long)Steps * PanelOutputs * StepBytes;
        Bytes = new AlignedBuffer<ulong>(checked((int)(PaddedOutputs / PanelOutputs * PanelBytes / sizeof(ulong))));
        var words = Bytes.Span;
        for (int j = 0; j < Outputs; j++)
        {
            var row = weights.Row(j);
            long panel = (j / PanelOutputs) * PanelBytes / sizeof(ulong);
            int lane = j % PanelOutputs;
            for (int s = 0; s < Steps; s++)
                row.Slice(s * 8, 8).CopyTo(words.Slice((int)(panel + (((s * PanelOutputs) + lane) * 8)), 8));
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
        (byte*)Bytes.Pointer + ((j0 / PanelOutputs) * PanelBytes) + ((long)step * PanelOutputs * StepBytes);
}
