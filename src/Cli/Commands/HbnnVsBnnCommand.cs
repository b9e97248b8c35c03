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

/// <summary>`hwflow experiment hbnn-vs-bnn`: the seed's HBNN 87% vs BNN 82% after 5 epochs, re-run.</summary>
public static class HbnnVsBnnCommand
{
    public sealed record Result(string Folder, string Arch, int Epochs, int Seeds, IReadOnlyList<ComparisonSummary> Summaries,
        IReadOnlyList<ComparisonVerdict> Verdicts, double Seconds);

    public static Command Create()
    {
        var datasets = new Option<string[]>("--dataset")
        {
            Description = "Datasets to compare on (repeat the option)",
            DefaultValueFactory = _ => ["fashion-mnist", "mnist"],
            AllowMultipleArgumentsPerToken = true,
        };
        var seeds = new Option<int>("--seeds") { Description = "Runs per dataset and mode (seeds 1..N)", DefaultValueFactory = _ => 3 };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", DefaultValueFactory = _ => "out/hbnn-vs-bnn" };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var json = Output.JsonOption();
        var training = new TrainingOptionSet(defaultEpochs: 5);
        var command = new Command("hbnn-vs-bnn", "HBNN vs BNN vs float: same architecture and options, several seeds, on each dataset")
        {
            datasets, seeds, output, force, json,
        };
        foreach (var option in training.All.Where(o => o != training.Scales)) command.Options.Add(option);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var options = new HbnnVsBnnExperiment.Options(parse.GetValue(datasets)!, training.Read(parse, TrainingMode.Hbnn, 1), parse.GetValue(seeds));
            if (options.Seeds < 1) throw new Runtime.Errors.UserError($"--seeds must be at least 1, got {options.Seeds}");
            var data = options.Datasets.Distinct().ToDictionary(d => d, d => training.LoadData(parse, d, options.Training));
            OpenBlas.EnsureAvailable();
            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = HbnnVsBnnExperiment.Run(options, d => data[d], TrainingProgress.Run, cancel);
            File.WriteAllText(staged.File("hbnn-vs-bnn.csv"), PointsCsv(result.Points));
            File.WriteAllText(staged.File("summary.csv"), SummaryCsv(result.Summaries));
            HbnnVsBnnPlot.Save(result.Points, staged.File(HbnnVsBnnPlot.FileName));
            staged.Commit();
            Output.From(parse, json).Report(new Result(staged.Target, options.Training.Architecture.ToString(), options.Training.Epochs,
                options.Seeds, result.Summaries, result.Verdicts, watch.Elapsed.TotalSeconds), Print);
            return ExitCodes.Success;
        });
        return command;
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

    private static void Print(Result r)
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
