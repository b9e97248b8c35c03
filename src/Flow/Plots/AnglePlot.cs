using HwFlow.Training.Experiments;

namespace HwFlow.Flow.Plots;

/// <summary>The seed's angle-preservation figure: angle versus dimension, one line per binarization.</summary>
public static class AnglePlot
{
    public static void Save(IReadOnlyList<AnglePoint> points, string path)
    {
        var plot = new ScottPlot.Plot();
        foreach (var group in points.GroupBy(p => p.Method == "sign" ? "sign" : $"hb k={p.ChunkLength}"))
        {
            var xs = group.Select(p => Math.Log2(p.Dimension)).ToArray();
            var ys = group.Select(p => p.MeanDegrees).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = group.Key;
            if (group.Key == "sign") line.LineWidth = 3;
        }
        var limit = plot.Add.HorizontalLine(AngleExperiment.SignLimitDegrees);
        limit.LinePattern = ScottPlot.LinePattern.Dashed;
        limit.LegendText = "arccos(sqrt(2/pi)) = 37.07";
        plot.Title("Angle between a Gaussian vector and its binarization");
        plot.XLabel("log2(dimension)");
        plot.YLabel("angle (degrees)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 600);
    }
}
