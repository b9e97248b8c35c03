using System.Globalization;
using System.Text;
using HwFlow.Flow.Plots;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Training;
using HwFlow.Training.Experiments;
using HwFlow.Training.Native;

namespace HwFlow.Flow;

/// <param name="Bins">Histogram bins over [-1, 1].</param>
public sealed record HistogramsRequest(TrainingOptions Training, TrainingData Data, int Bins, OutputFolder Output) : IFlowRequest
{
    public const string DefaultOutput = "out/histograms";

    public IReadOnlyList<string> Inputs => [Data.SourcePath];
}

public sealed record HistogramsResult(string Folder, string Dataset, string Arch, int Epochs, ulong Seed, int Bins,
    IReadOnlyList<HistogramSummary> Summaries);

/// <summary>`hwflow experiment histograms`: latent BinLayer weight histograms of an HBNN and a BNN trained alike, as CSV and a plot.</summary>
internal static class HistogramsStep
{
    public static HistogramsResult Run(HistogramsRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var options = request.Training;
        options.Validate();
        if (request.Bins < 2) throw new UserError($"--bins must be at least 2, got {request.Bins}");
        var (train, test) = request.Data.Load(options);
        OpenBlas.EnsureAvailableForTraining();
        using var staged = StagedFolder.Begin(request.Output, "experiment histograms", request.Inputs);
        var result = WeightHistogramExperiment.Run(options, train, test, request.Bins, progress.Train, cancel);
        File.WriteAllText(staged.File("histograms.csv"), Csv(result.Bins));
        WeightHistogramPlot.Save(result.Bins, staged.File(WeightHistogramPlot.FileName));
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        return new HistogramsResult(staged.Target, request.Data.Dataset, options.Architecture.ToString(), options.Epochs, options.Seed, request.Bins, result.Summaries);
    }

    private static string Csv(IEnumerable<HistogramBin> bins)
    {
        var csv = new StringBuilder("mode,bin_low,bin_high,count\n");
        foreach (var b in bins) csv.Append(CultureInfo.InvariantCulture, $"{b.Mode},{b.Low:R},{b.High:R},{b.Count}\n");
        return csv.ToString();
    }
}
