namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Runs the fused VPOPCNTQ Hadamard kernel (<see cref="HadamardPopcountCode"/>): the same work
/// items as <see cref="PopcountKernel"/> (48-row groups x runs of 256-output tiles), 4 rows per
/// kernel call. It applies where one 64-bit word is one chunk: chunk length 64, inputs a multiple
/// of 64, bipolar activations; other shapes run the table-lookup kernels.
/// </summary>
internal static unsafe class HadamardPopcount
{
    private const int Tile = PackedWeights.OutputPadding;
    private const int GroupRows = 48;
    private const int Rows = HadamardPopcountCode.MaxRows;
    private const int UnitFloats = 16;

    private static readonly AlignedBuffer<int> Constants = BuildConstants();

    public static bool Fits(HadamardWeights weights, KernelIsa isa, ActivationCoding coding) =>
        isa == KernelIsa.Avx512Popcount && coding == ActivationCoding.Bipolar &&
        weights.Packed.Chunks.ChunkLength == 64 && weights.Packed.Inputs % 64 == 0;

    /// <summary>-2 x scales[j, c] at [panel][unit][j % 4][c % 16], where unit = c / 16, zero elsewhere.</summary>
    public static AlignedBuffer<float> WeightScales(float[] scales, int outputs, int chunks, int paddedOutputs, int steps)
    {
        int units = (steps + 1) / 2;
        var buffer = new AlignedBuffer<float>(paddedOutputs * units * UnitFloats);
        var target = buffer.Span;
        for (int j = 0; j < outputs; j++)
        {
            for (int c = 0; c < chunks; c++)
            {
                long at = ((((long)(j / 4) * units) + (c / UnitFloats)) * 4 * UnitFloats) + ((j % 4) * UnitFloats) + (c % UnitFloats);
                target[(int)at] = -2 * scales[(j * chunks) + c];
            }
        }
        return buffer;
    }

    public static void Run(BitMatrix activations, ReadOnlySpan<float> activationScales, HadamardWeights weights, float* output, KernelOptions options)
    {
        var layout = weights.Panels;
        int rows = activations.Rows, outputs = weights.Packed.Outputs, chunks = weights.Packed.Chunks.Count;
        if (rows == 0) return;
        int steps = layout.Steps, units = (steps + 1) / 2;
        int rowGroups = (rows + Rows - 1) / Rows;
        var scales = new AlignedBuffer<float>(rowGroups * units * Rows * UnitFloats);
        var scaleSpan = scales.Span;
        for (int b = 0; b < rows; b++)
        {
            for (int c = 0; c < chunks; c++)
                scaleSpan[((((b / Rows) * units) + (c / UnitFloats)) * Rows * UnitFloats) + ((b % Rows) * UnitFloats) + (c % UnitFloats)] = activationScales[(b * chunks) + c];
        }
        int threads = options.ThreadsFor((long)rows * layout.PaddedOutputs * steps * 512);
        long rowStride = (long)activations.WordsPerRow * sizeof(ulong);
        float* activationScaleData = scales.Pointer;
        float* weightScales = weights.PopcountScales;
        KernelWork.Run(rows, GroupRows, layout.PaddedOutputs / Tile, threads, () => (nint)Scratch.ForThisThread(), (work, scratchAddress) =>
        {
            float* scratch = (float*)scratchAddress;
            var args = new HadamardArgs
            {
                RowStride = rowStride, Units = steps / 2, OddStep = steps % 2, Output = scratch, OutStride = Tile * sizeof(float),
                Constants = Constants.Pointer, HalfChunk = 32,
            };
            for (int t = work.FirstTile; t < work.EndTile; t++)
            {
                int j0 = t * Tile, width = Math.Min(Tile, outputs - j0);
                args.Panels = (width + HadamardPanels.PanelOutputs - 1) / HadamardPanels.PanelOutputs;
                for (int row = work.FirstRow; row < work.EndRow; row += Rows)
                {
                    int count = Math.Min(Rows, work.EndRow - row);
                    args.Activations = (byte*)activations.RowPointer(row);
                    args.Weights = layout.Panel(j0, 0);
                    args.ActivationScales = activationScaleData + ((long)(row / Rows) * units * Rows * UnitFloats);
                    args.WeightScales = weightScales + ((long)(j0 / 4) * units * 4 * UnitFloats);
                    HadamardPopcountCode.Kernel(count)(&args);
                    for (int r = 0; r < count; r++)
                        new ReadOnlySpan<float>(scratch + (r * Tile), width).CopyTo(new Span<float>(output + ((long)(row + r) * outputs) + j0, width));
                }
            }
        });
        // The kernels read the scales through a raw pointer: the buffer must outlive them.
        GC.KeepAlive(scales);
    }

    private static AlignedBuffer<int> BuildConstants()
    {
        var constants = new AlignedBuffer<int>(16);
        for (int i = 0; i < 16; i++) constants.Span[i] = i < 8 ? 2 * i : 16 + (2 * (i - 8));
        return constants;
    }

    /// <summary>4 rows x one tile of float outputs, one per thread.</summary>
    private static class Scratch
    {
        [ThreadStatic]
        private static AlignedBuffer<float>? _ofThisThread;

        public static float* ForThisThread() => (_ofThisThread ??= new AlignedBuffer<float>(Rows * Tile)).Pointer;
    }
}
