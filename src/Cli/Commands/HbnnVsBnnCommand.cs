using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using HwFlow.Flow.Plots;
using HwFlow.Training;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow experiment hbnn-vs-bnn`: the seed's HBNN 87% vs BNN 82% after 5 epochs, re-run.</summary>
public static class HbnnVsBnnCommand
{
    public static Command Create()
    {
        var datasets = new Option<string[]>("--dataset")
        {
            Description = "Datasets to compare on (repeat the option)",
            DefaultValueFactory = _ => ["fashion-mnist", "mnist"],
            AllowMultipleArgumentsPerToken = true,
        };
        var seeds = new Option<int>("--seeds") { Description = "Runs per dataset and mode (seeds 1..N)", DefaultValueFactory = _ => 3 };
        var output = new OutputFolderOptions("Output folder", HbnnVsBnnRequest.DefaultOutput);
        var report = new ReportOptions();
        var training = new TrainingOptionSet(defaultEpochs: 5);
        var command = new Command("hbnn-vs-bnn", "HBNN vs BNN vs float: same architecture and options, several seeds, on each dataset") { datasets, seeds };
        output.AddTo(command);
        report.AddTo(command);
        foreach (var option in training.All.Where(o => o != training.Scales)) command.Options.Add(option);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new HbnnVsBnnRequest(parse.GetValue(datasets)!, training.Read(parse, TrainingMode.Hbnn, 1), parse.GetValue(seeds), output.Read(parse))
            {
                Limit = parse.GetValue(training.Limit),
                TestLimit = parse.GetValue(training.TestLimit),
            };
            var printer = report.Read(parse, request.Inputs);
            printer.Report(Steps.HbnnVsBnnExperiment(request, ConsoleProgress.Instance, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(HbnnVsBnnResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("dataset", "mode", "seeds", "mean test", "std", "min", "max");
        foreach (var s in r.Summaries)
        {
            table.AddRow(s.Dataset, s.Mode, s.Seeds.ToString(), Units.Percent(s.MeanTestAccuracy), Units.Percent(s.StdTestAccuracy),
                Units.Percent(s.MinTestAccuracy), Units.Percent(s.MaxTestAccuracy));
        }
        AnsiConsole.Write(table);
        foreach (var v in r.Verdicts)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"{v.Dataset}: HBNN {Units.Percent(v.Hbnn)} vs BNN {Units.Percent(v.Bnn)} (float {Units.Percent(v.Float)}) after {r.Epochs} epochs: HBNN >= BNN {(v.HbnnAtLeastBnn ? "holds" : "does not hold")}");
        }
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}/hbnn-vs-bnn.csv, summary.csv and {HbnnVsBnnPlot.FileName} ({r.Seconds:F0} s)");
    }
}
