using System.Diagnostics;
using System.Globalization;
using System.Text;
using HwFlow.Flow.Plots;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Training;
using HwFlow.Training.Experiments;
using HwFlow.Training.Native;

namespace HwFlow.Flow;

/// <param name="Training">The options every run shares (its mode and seed are set per run).</param>
/// <param name="Seeds">Runs per dataset and mode (seeds 1..N).</param>
public sealed record HbnnVsBnnRequest(IReadOnlyList<string> Datasets, TrainingOptions Training, int Seeds, OutputFolder Output) : IFlowRequest
{
    public const string DefaultOutput = "out/hbnn-vs-bnn";

    public int? Limit { get; init; }
    public int? TestLimit { get; init; }

    public IReadOnlyList<string> Inputs => [.. Datasets.Select(d => new TrainingData(d).SourcePath)];
}

public sealed record HbnnVsBnnResult(string Folder, string Arch, int Epochs, int Seeds, IReadOnlyList<ComparisonSummary> Summaries,
    IReadOnlyList<ComparisonVerdict> Verdicts, double Seconds);

/// <summary>`hwflow experiment hbnn-vs-bnn`: the seed's HBNN vs BNN (vs float) accuracy figure, re-run: CSVs and a plot.</summary>
internal static class HbnnVsBnnStep
{
    public static HbnnVsBnnResult Run(HbnnVsBnnRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var options = new HbnnVsBnnExperiment.Options(request.Datasets, request.Training, request.Seeds);
        if (options.Seeds < 1) throw new UserError($"--seeds must be at least 1, got {options.Seeds}");
        var data = options.Datasets.Distinct().ToDictionary(d => d, d => new TrainingData(d, request.Limit, request.TestLimit).Load(options.Training));
        OpenBlas.EnsureAvailableForTraining();
        using var staged = StagedFolder.Begin(request.Output, "experiment hbnn-vs-bnn", request.Inputs);
        var watch = Stopwatch.StartNew();
        var result = HbnnVsBnnExperiment.Run(options, d => data[d], progress.Train, cancel);
        File.WriteAllText(staged.File("hbnn-vs-bnn.csv"), PointsCsv(result.Points));
        File.WriteAllText(staged.File("summary.csv"), SummaryCsv(result.Summaries));
        HbnnVsBnnPlot.Save(result.Points, staged.File(HbnnVsBnnPlot.FileName));
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        return new HbnnVsBnnResult(staged.Target, options.Training.Architecture.ToString(), options.Training.Epochs, options.Seeds,
            result.Summaries, result.Verdicts, watch.Elapsed.TotalSeconds);
    }

    private static string PointsCsv(IEnumerable<ComparisonPoint> points)
    {
        var csv = new StringBuilder("dataset,mode,seed,epoch,loss,train_accuracy,test_accuracy,seconds\n");
        foreach (var p in points)
            csv.Append(CultureInfo.InvariantCulture, $"{p.Dataset},{p.Mode},{p.Seed},{p.Epoch},{p.Loss:R},{p.TrainAccuracy:R},{p.TestAccuracy:R},{p.Seconds:F3}\n");
        return csv.ToString();
    }

    private static string SummaryCsv(IEnumerable<ComparisonSummary> summaries)
    {
        var csv = new StringBuilder("dataset,mode,seeds,mean_test_accuracy,std_test_accuracy,min_test_accuracy,max_test_accuracy\n");
        foreach (var s in summaries)
            csv.Append(CultureInfo.InvariantCulture, $"{s.Dataset},{s.Mode},{s.Seeds},{s.MeanTestAccuracy:R},{s.StdTestAccuracy:R},{s.MinTestAccuracy:R},{s.MaxTestAccuracy:R}\n");
        return csv.ToString();
    }
}
