namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Runs the fused VPOPCNTD Hadamard kernel (<see cref="HadamardPopcountCode"/>) on the binary
/// kernels' weight layout: the same work items as <see cref="PopcountKernel"/> (runs of 256-output
/// tiles against all rows, so a tile stays in L2), 4 rows per kernel call. It applies where a chunk is 64 bits on whole
/// words: chunk length 64, inputs a multiple of 64, bipolar activations; other shapes run the
/// table-lookup kernels.
/// </summary>
internal static unsafe class HadamardPopcount
{
    private const int Tile = PackedWeights.OutputPadding;
    private const int Rows = HadamardPopcountCode.MaxRows;
    private const int Panel = PopcountCode.PanelOutputs;

    public static bool Fits(HadamardWeights weights, KernelIsa isa, ActivationCoding coding) =>
        isa == KernelIsa.Avx512Popcount && coding == ActivationCoding.Bipolar &&
        weights.Packed.Chunks.ChunkLength == 64 && weights.Packed.Inputs % 64 == 0;

    /// <summary>2 x scales[j, c] at [j / 64][c][j % 64]; padded outputs are 0.</summary>
    public static AlignedBuffer<float> WeightScales(float[] scales, int outputs, int chunks, int paddedOutputs)
    {
        var buffer = new AlignedBuffer<float>(paddedOutputs * chunks);
        var target = buffer.Span;
        for (int j = 0; j < outputs; j++)
        {
            for (int c = 0; c < chunks; c++) target[((j / Panel) * chunks * Panel) + (c * Panel) + (j % Panel)] = 2 * scales[(j * chunks) + c];
        }
        return buffer;
    }

    public static void Run(BitMatrix activations, ReadOnlySpan<float> activationScales, HadamardWeights weights, float* output, KernelOptions options)
    {
        var layout = weights.Packed.Popcount;
        int rows = activations.Rows, outputs = weights.Packed.Outputs, chunks = weights.Packed.Chunks.Count;
        // Scales of each group of 4 rows as [chunk][row], so a kernel call walks one stream.
        var scales = new AlignedBuffer<float>(((rows + Rows - 1) / Rows) * chunks * Rows);
        var scaleSpan = scales.Span;
        for (int b = 0; b < rows; b++)
        {
            for (int c = 0; c < chunks; c++) scaleSpan[((b / Rows) * chunks * Rows) + (c * Rows) + (b % Rows)] = activationScales[(b * chunks) + c];
        }
        int threads = options.ThreadsFor((long)rows * layout.PaddedOutputs * chunks * 64);
        long rowStride = (long)activations.WordsPerRow * sizeof(ulong);
        float* activationScaleData = scales.Pointer;
        float* weightScales = weights.PopcountScales;
        KernelWork.Run(rows, rows, layout.PaddedOutputs / Tile, threads, () => (nint)Scratch.ForThisThread(), (work, scratchAddress) =>
        {
            float* scratch = (float*)scratchAddress;
            var args = new HadamardArgs { RowStride = rowStride, Chunks = chunks, Output = scratch, OutStride = Tile * sizeof(float) };
            for (int t = work.FirstTile; t < work.EndTile; t++)
            {
                int j0 = t * Tile, width = Math.Min(Tile, outputs - j0);
                args.Panels = (width + Panel - 1) / Panel;
                for (int row = work.FirstRow; row < work.EndRow; row += Rows)
                {
                    int count = Math.Min(Rows, work.EndRow - row);
                    args.Activations = (byte*)activations.RowPointer(row);
                    args.Weights = layout.Panel(j0, 0);
                    args.ActivationScales = activationScaleData + ((long)(row / Rows) * chunks * Rows);
                    args.WeightScales = weightScales + ((long)j0 * chunks);
                    HadamardPopcountCode.Kernel(count)(&args);
                    for (int r = 0; r < count; r++)
                        new ReadOnlySpan<float>(scratch + (r * Tile), width).CopyTo(new Span<float>(output + ((long)(row + r) * outputs) + j0, width));
                }
            }
        });
        // The kernels read the scales through a raw pointer: the buffer must outlive them.
        GC.KeepAlive(scales);
    }

    /// <summary>4 rows x one tile of float outputs, one per thread.</summary>
    private static class Scratch
    {
        [ThreadStatic]
        private static AlignedBuffer<float>? _ofThisThread;

        public static float* ForThisThread() => (_ofThisThread ??= new AlignedBuffer<float>(Rows * Tile)).Pointer;
    }
}
