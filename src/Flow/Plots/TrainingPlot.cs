using HwFlow.Training;

namespace HwFlow.Flow.Plots;

/// <summary>Training, test and (with --validation) validation accuracy per epoch of one run.</summary>
public static class TrainingPlot
{
    public const string FileName = "accuracy.png";

    public static void Save(IReadOnlyList<EpochRecord> epochs, string title, string path)
    {
        var plot = new ScottPlot.Plot();
        var xs = epochs.Select(e => (double)e.Epoch).ToArray();
        var train = plot.Add.Scatter(xs, epochs.Select(e => 100 * e.TrainAccuracy).ToArray());
        train.LegendText = "train (running, batch statistics)";
        var test = plot.Add.Scatter(xs, epochs.Select(e => 100 * e.TestAccuracy).ToArray());
        test.LegendText = "test (saved model's BatchNorm statistics)";
        test.LineWidth = 3;
        if (epochs.All(e => e.ValidationAccuracy is not null))
        {
            // With --validation the held-out curve is the one settings are chosen on: drawn as boldly as the test curve.
            var validation = plot.Add.Scatter(xs, epochs.Select(e => 100 * e.ValidationAccuracy!.Value).ToArray());
            validation.LegendText = "validation (held-out training images, saved model's statistics)";
            validation.LineWidth = 3;
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel("accuracy (%)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 600);
    }
}
