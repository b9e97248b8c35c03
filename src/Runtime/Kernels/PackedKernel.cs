namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Runs a kernel over all (activation row, output tile) pairs: cache blocking and threads.
/// Rows go in groups of 32: their field values (in/6 bytes per row) are read once, and each weight
/// tile (in/6 x 256 bytes, fetched from L3 once per group) serves the 32 rows from L2 in eight
/// 4-row micro-kernel passes. When there are too few row groups to keep every thread busy (the
/// matrix-vector case), the outputs are also split into panels (<see cref="KernelWork"/>).
/// </summary>
internal static unsafe class PackedKernel
{
    private const int GroupRows = 32;

    public static void Run<TSink>(BitMatrix activations, PackedWeights weights, ActivationCoding coding, TSink sink, KernelOptions options)
        where TSink : struct, ICountSink
    {
        var isa = weights.Runnable(KernelCpu.Resolve(options.Isa));
        if (isa == KernelIsa.Avx512Popcount)
        {
            PopcountKernel.Run(activations, weights, coding, sink, options);
            return;
        }
        int tile = isa switch { KernelIsa.Avx512 => Avx512Counter.TileOutputs, KernelIsa.Avx2 => Avx2Counter.TileOutputs, _ => ScalarCounter.TileOutputs };
        int rows = activations.Rows;
        int threads = options.ThreadsFor((long)rows * weights.Outputs * weights.Inputs);
        int tiles = (weights.Outputs + tile - 1) / tile;
        var sliced = isa == KernelIsa.Scalar ? null : weights.Sliced(isa);
        int valueBytes = sliced is null ? 0 : sliced.Fields.Count;
        byte* tables = isa == KernelIsa.Avx512 ? LookupTables.Six(coding) : LookupTables.Four(coding);

        KernelWork.Run(rows, GroupRows, tiles, threads, Workspace.ForThisThread, (work, space) =>
        {
            int firstTile = work.FirstTile, endTile = work.EndTile, firstRow = work.FirstRow, endRow = work.EndRow;
            if (isa == KernelIsa.Scalar)
            {
                for (int t = firstTile; t < endTile; t++)
                {
                    for (int row = firstRow; row < endRow; row++)
                        ScalarCounter.CountTile(activations.RowPointer(row), weights.Bits, weights.Segments, coding, row, t * tile, space.Scratch, sink);
                }
                return;
            }
            byte* values = space.Values(GroupRows * valueBytes);
            for (int row = firstRow; row < endRow; row++)
                LookupTables.ReadFields(activations.Row(row), sliced!.Fields, values + ((long)(row - firstRow) * valueBytes));
            for (int t = firstTile; t < endTile; t++)
            {
                int row = firstRow;
                if (isa == KernelIsa.Avx512)
                {
                    for (; row + Avx512RowQuad.Rows <= endRow; row += Avx512RowQuad.Rows)
                        Avx512RowQuad.CountTile(values + ((long)(row - firstRow) * valueBytes), valueBytes, tables, sliced!, row, t * tile, space.Scratch, space.Shorts, sink);
                }
                for (; row < endRow; row++)
                {
                    byte* rowValues = values + ((long)(row - firstRow) * valueBytes);
                    if (isa == KernelIsa.Avx512) Avx512Counter.CountTile(rowValues, tables, sliced!, row, t * tile, space.Scratch, sink);
                    else Avx2Counter.CountTile(rowValues, tables, sliced!, row, t * tile, space.Scratch, sink);
                }
            }
        });
    }

    /// <summary>One thread's buffers: field values for a row group, and counts and sums for up to four rows of a tile.</summary>
    private sealed class Workspace
    {
        // One per thread, kept: small products would otherwise spend more time allocating pinned buffers than counting.
        [ThreadStatic]
        private static Workspace? _ofThisThread;

        private const int TileEntries = Avx512RowQuad.Rows * Avx512Counter.TileOutputs;
        private readonly AlignedBuffer<int> _counts = new(TileEntries);
        private readonly AlignedBuffer<float> _sums = new(TileEntries);
        private readonly AlignedBuffer<ushort> _shorts = new(TileEntries);
        private readonly AlignedBuffer<long> _totals = new(TileEntries);
        private AlignedBuffer<byte>? _values;

        public static Workspace ForThisThread() => _ofThisThread ??= new Workspace();

        public TileScratch Scratch => new(_counts.Pointer, _sums.Pointer, _totals.Pointer);

        public ushort* Shorts => _shorts.Pointer;

        public byte* Values(int bytes)
        {
            if (_values is null || _values.Length < bytes) _values = new AlignedBuffer<byte>(bytes);
            return _values.Pointer;
        }
    }
}
