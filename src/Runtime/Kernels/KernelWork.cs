namespace HwFlow.Runtime.Kernels;

/// <summary>A work item: activation rows [FirstRow, EndRow) against output tiles [FirstTile, EndTile).</summary>
internal readonly record struct WorkItem(int FirstRow, int EndRow, int FirstTile, int EndTile);

/// <summary>
/// How the packed kernels split a product over threads: rows in groups (their activations are read
/// once per group), and when there are too few groups to keep every thread busy (the matrix-vector
/// case) the output tiles in panels as well. Each item writes only its own outputs, so results do
/// not depend on the thread count.
/// </summary>
internal static class KernelWork
{
    /// <summary>Runs <paramref name="body"/> on every item, with one <typeparamref name="TSpace"/> per thread (from <paramref name="space"/>).</summary>
    public static void Run<TSpace>(int rows, int groupRows, int tiles, int threads, Func<TSpace> space, Action<WorkItem, TSpace> body)
    {
        if (rows == 0) return;
        int groups = (rows + groupRows - 1) / groupRows;
        int panels = threads == 1 || groups >= 2 * threads ? 1 : Math.Min(tiles, ((2 * threads) + groups - 1) / groups);
        int tilesPerPanel = (tiles + panels - 1) / panels;
        panels = (tiles + tilesPerPanel - 1) / tilesPerPanel;
        int items = panels * groups;

        WorkItem Item(int item)
        {
            int panel = item % panels, group = item / panels;
            int firstTile = panel * tilesPerPanel, firstRow = group * groupRows;
            return new WorkItem(firstRow, Math.Min(rows, firstRow + groupRows), firstTile, Math.Min(tiles, firstTile + tilesPerPanel));
        }

        if (threads == 1 || items == 1)
        {
            var mine = space();
            for (int item = 0; item < items; item++) body(Item(item), mine);
            return;
        }
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, space,
            (item, _, local) =>
            {
                body(Item(item), local);
                return local;
            },
            _ => { });
    }
}
