namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Runs a kernel over all (activation row, output tile) pairs: cache blocking and threads.
/// Outputs are cut into panels of about 1,024 neurons, so a panel's weights (in/6 bytes per
/// neuron) stay in L2 while the activation rows stream past; each row's lookup tables are
/// built once per panel. Work items are (panel, block of rows), spread over threads; each item
/// writes only its own outputs, so results do not depend on the thread count.
/// </summary>
internal static unsafe class PackedKernel
{
    private const int PanelOutputs = 1024;

    public static void Run<TSink>(BitMatrix activations, PackedWeights weights, ActivationCoding coding, TSink sink, KernelOptions options)
        where TSink : struct, ICountSink
    {
        var isa = KernelCpu.Resolve(options.Isa);
        int tile = isa switch { KernelIsa.Avx512 => Avx512Counter.TileOutputs, KernelIsa.Avx2 => Avx2Counter.TileOutputs, _ => ScalarCounter.TileOutputs };
        int tilesPerPanel = Math.Max(1, PanelOutputs / tile);
        int tiles = (weights.Outputs + tile - 1) / tile;
        int panels = (tiles + tilesPerPanel - 1) / tilesPerPanel;
        int rows = activations.Rows;
        if (rows == 0) return;
        int threads = Math.Max(1, options.EffectiveThreads);
        int rowBlocks = Math.Min(rows, Math.Max(1, ((4 * threads) + panels - 1) / panels));
        int rowsPerBlock = (rows + rowBlocks - 1) / rowBlocks;
        rowBlocks = (rows + rowsPerBlock - 1) / rowsPerBlock;
        int items = panels * rowBlocks;

        void RunItem(int item, Workspace space)
        {
            int panel = item % panels, block = item / panels;
            int firstTile = panel * tilesPerPanel, endTile = Math.Min(tiles, firstTile + tilesPerPanel);
            int endRow = Math.Min(rows, (block + 1) * rowsPerBlock);
            for (int row = block * rowsPerBlock; row < endRow; row++)
            {
                if (isa == KernelIsa.Avx512)
                {
                    var sliced = weights.Sliced(isa);
                    Avx512Counter.BuildTables(activations.Row(row), sliced.Fields, coding, space.Tables(sliced.Fields.Count * Avx512Counter.TableBytes));
                    for (int t = firstTile; t < endTile; t++) Avx512Counter.CountTile(space.TablePointer, sliced, row, t * tile, space.Scratch, sink);
                }
                else if (isa == KernelIsa.Avx2)
                {
                    var sliced = weights.Sliced(isa);
                    Avx2Counter.BuildTables(activations.Row(row), sliced.Fields, coding, space.Tables(sliced.Fields.Count * Avx2Counter.TableBytes));
                    for (int t = firstTile; t < endTile; t++) Avx2Counter.CountTile(space.TablePointer, sliced, row, t * tile, space.Scratch, sink);
                }
                else
                {
                    for (int t = firstTile; t < endTile; t++)
                        ScalarCounter.CountTile(activations.RowPointer(row), weights.Bits, weights.Segments, coding, row, t * tile, space.Scratch, sink);
                }
            }
        }

        if (threads == 1 || items == 1)
        {
            var space = new Workspace(tile);
            for (int item = 0; item < items; item++) RunItem(item, space);
            return;
        }
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new Workspace(tile),
            (item, _, space) =>
            {
                RunItem(item, space);
                return space;
            },
            _ => { });
    }

    /// <summary>One thread's buffers: lookup tables for the current row and one tile of counts and sums.</summary>
    private sealed class Workspace(int tile)
    {
        private readonly AlignedBuffer<int> _counts = new(tile);
        private readonly AlignedBuffer<float> _sums = new(tile);
        private AlignedBuffer<byte>? _tables;

        public TileScratch Scratch => new(_counts.Pointer, _sums.Pointer);

        public byte* TablePointer => _tables!.Pointer;

        public byte* Tables(int bytes)
        {
            if (_tables is null || _tables.Length < bytes) _tables = new AlignedBuffer<byte>(bytes);
            return _tables.Pointer;
        }
    }
}
