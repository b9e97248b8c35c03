using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using HwFlow.Training.Experiments;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow experiment ...`: the seed's experiments, each writing CSV and a PNG plot.</summary>
public static class ExperimentCommand
{
    public static Command Create()
    {
        var command = new Command("experiment", "Re-run the seed write-up's experiments (CSV + PNG)");
        command.Subcommands.Add(Angle());
        command.Subcommands.Add(HbnnVsBnnCommand.Create());
        command.Subcommands.Add(HistogramsCommand.Create());
        return command;
    }

    private static Command Angle()
    {
        var output = new OutputFolderOptions("Output folder", AngleRequest.DefaultOutput);
        var trials = new Option<int>("--trials") { Description = "Random vectors per dimension", DefaultValueFactory = _ => 20 };
        var maxDim = new Option<int>("--max-dim") { Description = "Largest dimension (powers of two from 2)", DefaultValueFactory = _ => 65536 };
        var maxChunk = new Option<int>("--max-bin-agg") { Description = "Largest binAggression (powers of two from 1)", DefaultValueFactory = _ => 64 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var report = new ReportOptions();
        var command = new Command("angle", "Angle between Gaussian vectors and their sign / hb binarization, dimensions 2..65,536") { trials, maxDim, maxChunk, seed };
        output.AddTo(command);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var options = new AngleExperiment.Options(2, parse.GetValue(maxDim), parse.GetValue(maxChunk), parse.GetValue(trials), parse.GetValue(seed));
            var request = new AngleRequest(options, output.Read(parse));
            var printer = report.Read(parse, request.Inputs);
            printer.Report(Steps.AngleExperiment(request, ConsoleProgress.Instance, cancel), PrintAngle);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintAngle(AngleResult r)
    {
        var chunks = r.Points.Where(p => p.Method == "hb").Select(p => p.ChunkLength!.Value).Distinct().Order().ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("dimension").AddColumn("sign");
        foreach (var k in chunks) table.AddColumn($"hb k={k}");
        foreach (var row in r.Points.GroupBy(p => p.Dimension))
        {
            var cells = new List<string> { row.Key.ToString("N0") };
            cells.Add(row.Single(p => p.Method == "sign").MeanDegrees.ToString("F2"));
            cells.AddRange(chunks.Select(k => row.Single(p => p.ChunkLength == k).MeanDegrees.ToString("F2")));
            table.AddTextRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"sign angle at dimension {r.LargestDimension:N0}: {r.SignAngleAtLargest:F3} deg (limit {r.SignLimitDegrees:F3}, off by {r.DistanceFromLimit:F3})");
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}/angle.csv and angle.png");
    }
}
