using System.Globalization;
using HwFlow.Training.Experiments;

namespace HwFlow.Flow.Plots;

/// <summary>
/// The seed's performance figures, "CMMA vs xHBNN" and "MKL vs xHBNN": time against matrix size
/// for square GEMMs, one line per contender; OpenBLAS stands in for MKL. Time is on a log scale
/// because the contenders differ by orders of magnitude.
/// </summary>
public static class GemmPlot
{
    public static void SaveCmma(IReadOnlyList<GemmTiming> timings, string path) =>
        Save(timings, path, "CMMA (plain float triple loop) vs xHBNN", [("float-triple-loop", 1), ("xhbnn", 1), ("binary", 1)]);

    /// <param name="coreName">The OpenBLAS kernel set that ran (e.g. Cooperlake), named in the title.</param>
    public static void SaveOpenBlas(IReadOnlyList<GemmTiming> timings, string path, int threads, string coreName)
    {
        var series = new List<(string, int)> { ("openblas-sgemm", 1), ("xhbnn", 1), ("binary", 1) };
        if (threads > 1) series.AddRange([("openblas-sgemm", threads), ("xhbnn", threads), ("binary", threads)]);
        Save(timings, path, $"OpenBLAS sgemm, {coreName} kernels (standing in for MKL) vs xHBNN", series);
    }

    private static void Save(IReadOnlyList<GemmTiming> timings, string path, string title, IEnumerable<(string Name, int Threads)> series)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (name, threads) in series)
        {
            var points = timings.Where(t => t.M > 1 && t.Contender == name && t.Threads == threads).OrderBy(t => t.N).ToList();
            if (points.Count == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => (double)p.N).ToArray(), points.Select(p => Math.Log10(p.Seconds)).ToArray());
            line.LegendText = $"{name} ({threads} thread{(threads == 1 ? "" : "s")})";
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("0.######", CultureInfo.InvariantCulture),
        };
        plot.Title(title);
        plot.XLabel("matrix size n (n x n times n x n)");
        plot.YLabel("time (seconds, log scale)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 600);
    }
}
