using ScottPlot;
using HwFlow.Training.Experiments;

namespace HwFlow.Flow.Plots;

/// <summary>The seed's weight-histogram figure: HBNN on a linear axis, BNN on a log axis.</summary>
public static class WeightHistogramPlot
{
    public const string FileName = "histograms.png";

    public static void Save(IReadOnlyList<HistogramBin> bins, string path)
    {
        var modes = bins.Select(b => b.Mode).Distinct().ToList();
        var multiplot = new ScottPlot.Multiplot();
        multiplot.AddPlots(modes.Count);
        for (int m = 0; m < modes.Count; m++)
        {
            var plot = multiplot.GetPlot(m);
            var modeBins = bins.Where(b => b.Mode == modes[m]).ToList();
            bool logAxis = modes[m] == "bnn";
            // Empty bins have no bar: log10(0) does not exist, and on the linear axis they are zero anyway.
            var shown = modeBins.Where(b => b.Count > 0).ToList();
            var bars = plot.Add.Bars(shown.Select(b => (b.Low + b.High) / 2).ToArray(),
                shown.Select(b => logAxis ? Math.Log10(b.Count) : b.Count).ToArray());
            foreach (var bar in bars.Bars)
            {
                bar.Size = modeBins[0].High - modeBins[0].Low;
                bar.LineWidth = 0;
            }
            if (logAxis)
            {
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
                {
                    MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                    IntegerTicksOnly = true,
                    LabelFormatter = y => Math.Pow(10, y).ToString("N0"),
                };
            }
            plot.Title($"{modes[m]}: latent BinLayer weights{(logAxis ? " (log axis)" : "")}");
            plot.XLabel("latent weight");
            plot.YLabel("count");
            plot.Axes.SetLimitsX(-1.05, 1.05);
        }
        multiplot.SavePng(path, 900, 400 * modes.Count);
    }
}
