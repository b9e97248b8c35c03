using ScottPlot;
using HwFlow.Training.Experiments;

namespace HwFlow.Flow.Plots;

/// <summary>The seed's accuracy figure: test accuracy per epoch, mean over seeds, one panel per dataset.</summary>
public static class HbnnVsBnnPlot
{
    public const string FileName = "hbnn-vs-bnn.png";

    public static void Save(IReadOnlyList<ComparisonPoint> points, string path)
    {
        var datasets = points.Select(p => p.Dataset).Distinct().ToList();
        var multiplot = new ScottPlot.Multiplot();
        multiplot.AddPlots(datasets.Count);
        for (int d = 0; d < datasets.Count; d++)
        {
            var plot = multiplot.GetPlot(d);
            foreach (var mode in points.Where(p => p.Dataset == datasets[d]).GroupBy(p => p.Mode))
            {
                var perEpoch = mode.GroupBy(p => p.Epoch).OrderBy(g => g.Key).ToList();
                var line = plot.Add.Scatter(perEpoch.Select(g => (double)g.Key).ToArray(), perEpoch.Select(g => 100 * g.Average(p => p.TestAccuracy)).ToArray());
                line.LegendText = $"{mode.Key} (mean of {mode.Select(p => p.Seed).Distinct().Count()} seeds)";
                line.LineWidth = mode.Key == "hbnn" ? 3 : 2;
            }
            plot.Title($"{datasets[d]}: test accuracy");
            plot.XLabel("epoch");
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.YLabel("accuracy (%)");
            plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        }
        multiplot.SavePng(path, 900, 450 * datasets.Count);
    }
}
