using System.CommandLine;
using System.Globalization;
using System.Text;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Plots;
using HwFlow.Training.Experiments;
using HwFlow.Runtime.IO;
using HwFlow.Training.Native;
using HwFlow.Training;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow experiment histograms`: latent weight histograms of an HBNN and a BNN trained alike.</summary>
public static class HistogramsCommand
{
    public sealed record Result(string Folder, string Dataset, string Arch, int Epochs, ulong Seed, int Bins,
        IReadOnlyList<HistogramSummary> Summaries);

    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, mnist, or an IDX folder", DefaultValueFactory = _ => "fashion-mnist" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var bins = new Option<int>("--bins") { Description = "Histogram bins over [-1, 1]", DefaultValueFactory = _ => 100 };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", DefaultValueFactory = _ => "out/histograms" };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var json = Output.JsonOption();
        var training = new TrainingOptionSet(defaultEpochs: 5);
        var command = new Command("histograms", "Latent BinLayer weight histograms of an HBNN and a BNN (BNN on a log axis)")
        {
            dataset, seed, bins, output, force, json,
        };
        foreach (var option in training.All.Where(o => o != training.Scales)) command.Options.Add(option);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var options = training.Read(parse, TrainingMode.Hbnn, parse.GetValue(seed));
            int binCount = parse.GetValue(bins);
            if (binCount < 2) throw new Runtime.Errors.UserError($"--bins must be at least 2, got {binCount}");
            var datasetName = parse.GetValue(dataset)!;
            var (train, test) = training.LoadData(parse, datasetName, options);
            OpenBlas.EnsureAvailable();
            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            var result = WeightHistogramExperiment.Run(options, train, test, binCount, TrainingProgress.Run, cancel);
            File.WriteAllText(staged.File("histograms.csv"), Csv(result.Bins));
            WeightHistogramPlot.Save(result.Bins, staged.File(WeightHistogramPlot.FileName));
            staged.Commit();
            Output.From(parse, json).Report(new Result(staged.Target, datasetName, options.Architecture.ToString(), options.Epochs,
                options.Seed, binCount, result.Summaries), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Csv(IEnumerable<HistogramBin> bins)
    {
        var csv = new StringBuilder("mode,bin_low,bin_high,count\n");
        foreach (var b in bins) csv.Append(CultureInfo.InvariantCulture, $"{b.Mode},{b.Low:R},{b.High:R},{b.Count}\n");
        return csv.ToString();
    }

    private static void Print(Result r)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("mode", "latent weights", "std", "at +-1", "test accuracy");
        foreach (var s in r.Summaries)
            table.AddRow(s.Mode, s.Weights.ToString("N0"), s.Std.ToString("F3"), Units.Percent(s.SaturatedFraction), Units.Percent(s.TestAccuracy));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}/histograms.csv and {WeightHistogramPlot.FileName}");
    }
}
