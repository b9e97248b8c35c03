using System.CommandLine;
using System.Globalization;
using System.Text;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Plots;
using HwFlow.Training.Experiments;
using HwFlow.Runtime.IO;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow experiment ...`: the seed's experiments, each writing CSV and a PNG plot.</summary>
public static class ExperimentCommand
{
    public sealed record AngleResult(string Folder, int Trials, ulong Seed, double SignLimitDegrees, int LargestDimension,
        double SignAngleAtLargest, double DistanceFromLimit, IReadOnlyList<AnglePoint> Points);

    public static Command Create()
    {
        var command = new Command("experiment", "Re-run the seed write-up's experiments (CSV + PNG)");
        command.Subcommands.Add(Angle());
        command.Subcommands.Add(HbnnVsBnnCommand.Create());
        command.Subcommands.Add(HistogramsCommand.Create());
        command.Subcommands.Add(WhtCommand.Create());
        return command;
    }

    private static Command Angle()
    {
        var output = new Option<string>("--output", "-o") { Description = "Output folder", DefaultValueFactory = _ => "out/angle" };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var trials = new Option<int>("--trials") { Description = "Random vectors per dimension", DefaultValueFactory = _ => 20 };
        var maxDim = new Option<int>("--max-dim") { Description = "Largest dimension (powers of two from 2)", DefaultValueFactory = _ => 65536 };
        var maxChunk = new Option<int>("--max-bin-agg") { Description = "Largest binAggression (powers of two from 1)", DefaultValueFactory = _ => 64 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var json = Output.JsonOption();
        var command = new Command("angle", "Angle between Gaussian vectors and their sign / hb binarization, dimensions 2..65,536")
        {
            output, force, trials, maxDim, maxChunk, seed, json,
        };
        CommandAction.Set(command, (parse, _) =>
        {
            var options = new AngleExperiment.Options(2, parse.GetValue(maxDim), parse.GetValue(maxChunk), parse.GetValue(trials), parse.GetValue(seed));
            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            var dimensions = AngleExperiment.Dimensions(options).Count;
            var points = ProgressDisplay.Run("angle experiment", dimensions, progress => AngleExperiment.Run(options, progress));
            File.WriteAllText(staged.File("angle.csv"), Csv(points));
            AnglePlot.Save(points, staged.File("angle.png"));
            staged.Commit();

            var largest = points.Where(p => p.Method == "sign").MaxBy(p => p.Dimension)!;
            var result = new AngleResult(staged.Target, options.Trials, options.Seed, AngleExperiment.SignLimitDegrees, largest.Dimension,
                largest.MeanDegrees, Math.Abs(largest.MeanDegrees - AngleExperiment.SignLimitDegrees), points);
            Output.From(parse, json).Report(result, PrintAngle);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Csv(IReadOnlyList<AnglePoint> points)
    {
        var csv = new StringBuilder("dimension,method,bin_aggression,mean_degrees,std_degrees,trials\n");
        foreach (var p in points)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{p.Dimension},{p.Method},{p.ChunkLength?.ToString(CultureInfo.InvariantCulture) ?? ""},{p.MeanDegrees:R},{p.StdDegrees:R},{p.Trials}\n");
        }
        return csv.ToString();
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
