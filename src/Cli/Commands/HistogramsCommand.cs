using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using HwFlow.Flow.Plots;
using HwFlow.Training;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow experiment histograms`: latent weight histograms of an HBNN and a BNN trained alike.</summary>
public static class HistogramsCommand
{
    public static Command Create()
    {
        var dataset = new DatasetOptions(defaultDataset: "fashion-mnist", withSplit: false);
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var bins = new Option<int>("--bins") { Description = "Histogram bins over [-1, 1]", DefaultValueFactory = _ => 100 };
        var output = new OutputFolderOptions("Output folder", HistogramsRequest.DefaultOutput);
        var report = new ReportOptions();
        var training = new TrainingOptionSet(defaultEpochs: 5);
        var command = new Command("histograms", "Latent BinLayer weight histograms of an HBNN and a BNN (BNN on a log axis)") { seed, bins };
        dataset.AddTo(command);
        output.AddTo(command);
        report.AddTo(command);
        foreach (var option in training.All.Where(o => o != training.Scales)) command.Options.Add(option);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new HistogramsRequest(training.Read(parse, TrainingMode.Hbnn, parse.GetValue(seed)), training.ReadData(parse, dataset.Name(parse)),
                parse.GetValue(bins), output.Read(parse));
            var printer = report.Read(parse, request.Inputs);
            printer.Report(Steps.HistogramsExperiment(request, ConsoleProgress.Instance, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(HistogramsResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("mode", "latent weights", "std", "at +-1", "test accuracy");
        foreach (var s in r.Summaries)
            table.AddRow(s.Mode, s.Weights.ToString("N0"), s.Std.ToString("F3"), Units.Percent(s.SaturatedFraction), Units.Percent(s.TestAccuracy));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}/histograms.csv and {WeightHistogramPlot.FileName}");
    }
}
