using HwFlow.Training.Experiments;

namespace HwFlow.Flow.Plots;

/// <summary>Issue 16's picture: mean test accuracy against estimated LUTs, one point per network, transform networks apart from dense ones.</summary>
public static class WhtPlot
{
    public const string FileName = "wht.png";

    /// <param name="operatingPoint">What the LUTs were estimated for, e.g. "fastest folding, 100 MHz".</param>
    public static void Save(IReadOnlyList<WhtSummary> summaries, string dataset, int seeds, string operatingPoint, string path)
    {
        var plot = new ScottPlot.Plot();
        foreach (var group in summaries.GroupBy(s => s.Transform))
        {
            var points = group.ToList();
            var scatter = plot.Add.ScatterPoints(points.Select(s => Math.Log10(s.Luts)).ToArray(), points.Select(s => 100 * s.MeanTestAccuracy).ToArray());
            scatter.LegendText = group.Key ? "Walsh-Hadamard transform first layer" : "dense MLP (HBNN / BNN)";
            scatter.MarkerSize = 12;
            scatter.MarkerShape = group.Key ? ScottPlot.MarkerShape.FilledDiamond : ScottPlot.MarkerShape.FilledCircle;
            var bars = plot.Add.ErrorBar(points.Select(s => Math.Log10(s.Luts)).ToList(), points.Select(s => 100 * s.MeanTestAccuracy).ToList(),
                points.Select(s => 100 * s.StdTestAccuracy).ToList());
            bars.Color = scatter.Color;
            foreach (var s in points)
            {
                var label = plot.Add.Text(s.Network, Math.Log10(s.Luts), 100 * s.MeanTestAccuracy);
                label.LabelFontSize = 12;
                label.OffsetX = 8;
                label.OffsetY = -8;
            }
        }
        plot.Axes.Bottom.TickGenerator = LogTicks();
        var xs = summaries.Select(s => Math.Log10(s.Luts)).ToList();
        plot.Axes.SetLimitsX(xs.Min() - 0.1, xs.Max() + 0.3);
        plot.Title($"{dataset}: accuracy vs hardware (mean of {seeds} seeds; LUTs estimated by the resource model, {operatingPoint})");
        plot.XLabel("estimated LUT4 (log scale)");
        plot.YLabel("test accuracy (%)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 1000, 650);
    }

    private static ScottPlot.TickGenerators.NumericManual LogTicks()
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int e = 2; e <= 6; e++)
        {
            for (int m = 1; m < 10; m++)
            {
                double value = m * Math.Pow(10, e);
                if (m is 1 or 2 or 5) ticks.AddMajor(Math.Log10(value), value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                else ticks.AddMinor(Math.Log10(value));
            }
        }
        return ticks;
    }
}
