namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Runs the VPOPCNTD count kernels (<see cref="PopcountCode"/>) over all (activation rows, output
/// tile) pairs. A work item is a run of 256-output tiles against all rows (<see cref="KernelWork"/>
/// makes about two per thread); tile by tile, each kernel call counts up to 6 rows (read in place
/// from the bit matrix) against the tile's 4 panels, which stay in L2 (128 KB at 4,096 inputs)
/// while every row passes, chunk by chunk, and hands each row's counts to the sink.
/// </summary>
internal static unsafe class PopcountKernel
{
    private const int Tile = PackedWeights.OutputPadding;

    public static void Run<TSink>(BitMatrix activations, PackedWeights weights, ActivationCoding coding, TSink sink, KernelOptions options)
        where TSink : struct, ICountSink
    {
        var layout = weights.Popcount;
        var chunks = weights.Chunks;
        int rows = activations.Rows;
        int threads = options.ThreadsFor((long)rows * layout.PaddedOutputs * layout.Steps * 32);
        long rowStride = (long)activations.WordsPerRow * sizeof(ulong);
        KernelWork.Run(rows, rows, layout.PaddedOutputs / Tile, threads, Workspace.ForThisThread, (work, space) =>
        {
            var args = new PopcountArgs { RowStride = rowStride, Counts = space.Counts, OutStride = Tile * sizeof(int) };
            for (int t = work.FirstTile; t < work.EndTile; t++)
            {
                int j0 = t * Tile;
                args.Panels = Math.Min(Tile, weights.Outputs - j0 + PopcountCode.PanelOutputs - 1) / PopcountCode.PanelOutputs;
                // sinks see only the panels counted: a 64-output layer must not pay for a whole 256-output tile
                int width = (int)args.Panels * PopcountCode.PanelOutputs;
                for (int row = work.FirstRow; row < work.EndRow; row += PopcountCode.MaxRows)
                {
                    int count = Math.Min(PopcountCode.MaxRows, work.EndRow - row);
                    var kernel = PopcountCode.Counter(count, coding);
                    for (int r = 0; r < count; r++) sink.BeginTile(row + r, j0, width, space.Row(r));
                    for (int chunk = 0; chunk < chunks.Count; chunk++)
                    {
                        int firstStep = chunks.Start(chunk) / 32;
                        int steps = ((chunks.Start(chunk) + chunks.LengthOf(chunk) + 31) / 32) - firstStep;
                        args.Activations = (byte*)activations.RowPointer(row) + ((long)firstStep * sizeof(uint));
                        args.Weights = layout.Panel(j0, firstStep);
                        args.PanelSkip = layout.PanelBytes - ((long)steps * PopcountCode.PanelOutputs * sizeof(uint));
                        args.Steps = steps;
                        kernel(&args);
                        for (int r = 0; r < count; r++) sink.Accept(row + r, j0, width, chunk, space.Row(r));
                    }
                    for (int r = 0; r < count; r++) sink.EndTile(row + r, j0, width, space.Row(r));
                }
            }
        });
    }

    /// <summary>One thread's counts, sums and totals for up to 6 rows of a tile; kept per thread (small products would spend more time allocating than counting).</summary>
    private sealed class Workspace
    {
        [ThreadStatic]
        private static Workspace? _ofThisThread;

        private const int Entries = PopcountCode.MaxRows * Tile;
        private readonly AlignedBuffer<int> _counts = new(Entries);
        private readonly AlignedBuffer<float> _sums = new(Entries);
        private readonly AlignedBuffer<long> _totals = new(Entries);

        public static Workspace ForThisThread() => _ofThisThread ??= new Workspace();

        public int* Counts => _counts.Pointer;

        public TileScratch Row(int row) => new(_counts.Pointer + (row * Tile), _sums.Pointer + (row * Tile), _totals.Pointer + (row * Tile));
    }
}
