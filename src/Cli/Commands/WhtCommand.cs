using System.CommandLine;
using System.Globalization;
using System.Text;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Plots;
using HwFlow.Compiler.Estimates;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Experiments;
using HwFlow.Training.Native;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow experiment wht`: Walsh-Hadamard transform networks against dense HBNN/BNN MLPs (issue 16).</summary>
public static class WhtCommand
{
    public sealed record Result(string Folder, string Dataset, int Epochs, int Seeds, double ClockMhz, string OperatingPoint, IReadOnlyList<WhtSummary> Summaries,
        WhtVerdict? Verdict, double Seconds);

    /// <summary>Where the trained models go in the output folder, one model folder per network and seed.</summary>
    public const string ModelsFolder = "models";

    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, mnist, or an IDX folder", DefaultValueFactory = _ => "fashion-mnist" };
        var seeds = new Option<int>("--seeds") { Description = "Runs per network (seeds 1..N)", DefaultValueFactory = _ => 3 };
        var networks = new Option<string[]>("--networks")
        {
            Description = $"Networks to train (repeat the option; default all: {string.Join(", ", WhtExperiment.DefaultNetworks.Select(n => n.Name))})",
            AllowMultipleArgumentsPerToken = true,
        };
        var clock = new Option<double>("--clock-mhz") { Description = "Clock of the frames/s estimates", DefaultValueFactory = _ => 100 };
        var targetFps = new Option<double?>("--target-fps") { Description = "Fold every design for this many frames/s with the fewest LUTs (default: as fast as the input stream allows)" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", DefaultValueFactory = _ => "out/wht" };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var json = Output.JsonOption();
        var training = new TrainingOptionSet(defaultEpochs: 20);
        var command = new Command("wht", "Walsh-Hadamard transform networks vs dense HBNN/BNN MLPs: accuracy, bits, estimated LUTs and frames/s")
        {
            dataset, seeds, networks, clock, targetFps, output, force, json,
        };
        foreach (var option in new Option[] { training.BinAgg, training.Epochs, training.Batch, training.Lr, training.Schedule, training.Limit, training.TestLimit })
            command.Options.Add(option);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var budget = training.Read(parse, TrainingMode.Hbnn, 1);
            var options = new WhtExperiment.Options(budget, parse.GetValue(seeds), WhtExperiment.Select(parse.GetValue(networks) ?? []));
            if (options.Seeds < 1) throw new Runtime.Errors.UserError($"--seeds must be at least 1, got {options.Seeds}");
            double clockMhz = parse.GetValue(clock);
            if (!(clockMhz > 0) || !double.IsFinite(clockMhz)) throw new Runtime.Errors.UserError($"--clock-mhz must be a positive frequency, got {clockMhz}");
            FoldingGoal goal = parse.GetValue(targetFps) is { } fps ? new FoldingGoal.TargetFps(fps, clockMhz) : new FoldingGoal.Fastest();
            goal.Validate();
            var datasetName = parse.GetValue(dataset)!;
            var (train, test) = training.LoadData(parse, datasetName, budget);
            OpenBlas.EnsureAvailable();
            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = WhtExperiment.Run(options, train, test, TrainingProgress.Run, (model, data) =>
            {
                var (e, integer) = DesignEstimate.WithAccuracy(model, data, new CompileOptions(), goal, clockMhz);
                return new HardwareCost(e.Luts, e.Ffs, e.BramBits, e.CyclesPerFrame, e.FramesPerSecond, e.ConstantBits, integer, e.Realization);
            }, model => ModelWriter.WriteInto(model, Directory.CreateDirectory(staged.File(Path.Combine(ModelsFolder, model.Name))).FullName), cancel);
            File.WriteAllText(staged.File("runs.csv"), WhtCsv.Runs(result.Runs));
            File.WriteAllText(staged.File("summary.csv"), WhtCsv.Summaries(result.Summaries));
            File.WriteAllText(staged.File("epochs.csv"), WhtCsv.Epochs(result.Epochs));
            string operatingPoint = goal is FoldingGoal.TargetFps target ? $"{target.FramesPerSecond:N0} frames/s at {clockMhz} MHz" : $"fastest folding, {clockMhz} MHz";
            WhtPlot.Save(result.Summaries, datasetName, options.Seeds, operatingPoint, staged.File(WhtPlot.FileName));
            staged.Commit();
            Output.From(parse, json).Report(new Result(staged.Target, datasetName, budget.Epochs, options.Seeds, clockMhz, operatingPoint, result.Summaries,
                result.Verdict, watch.Elapsed.TotalSeconds), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(Result r)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("network", "layers", "test (mean)", "std", "integer", "parameters", "deployed bits", "LUT (est.)", "BRAM bits (est.)", "frames/s (est.)");
        foreach (var s in r.Summaries)
        {
            table.AddRow(s.Network, s.Description, Units.Percent(s.MeanTestAccuracy), Units.Percent(s.StdTestAccuracy), Units.Percent(s.MeanIntegerAccuracy),
                s.Parameters.ToString("N0"), s.DeployedBits.ToString("N0"), s.Luts.ToString("N0"), s.BramBits.ToString("N0"), s.FramesPerSecond.ToString("N0"));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{r.Dataset}, {r.Epochs} epochs, mean of {r.Seeds} seeds; LUTs, block RAM and frames/s ({r.OperatingPoint}) are resource-model estimates, not synthesis");
        if (r.Verdict is { } v)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"best transform network {v.Best}: {Units.Percent(v.BestAccuracy)} vs dense {v.Reference} {Units.Percent(v.ReferenceAccuracy)} ({Math.Abs(v.AccuracyGapPoints):F2} points {(v.AccuracyGapPoints > 0 ? "below" : "above")} it), {100 * v.LutRatio:F1}% of its LUTs, {100 * v.DeployedBitsRatio:F1}% of its deployed bits");
            AnsiConsole.MarkupLineInterpolated(
                $"near-dense accuracy (within {WhtVerdict.NearPoints} point): {(v.NearDense ? "holds" : "does not hold")}; a fraction of the hardware (at most {100 * WhtVerdict.FractionOfLuts:F0}% of the LUTs): {(v.FractionOfHardware ? "holds" : "does not hold")}");
        }
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}/runs.csv, summary.csv, epochs.csv, {WhtPlot.FileName} and the trained models in {ModelsFolder}/ ({r.Seconds:F0} s)");
    }
}

/// <summary>The CSV files of `hwflow experiment wht`.</summary>
internal static class WhtCsv
{
    public static string Runs(IEnumerable<WhtRun> runs)
    {
        var csv = new StringBuilder("network,seed,epochs,test_accuracy,integer_accuracy,seconds,parameters,binary_bits,deployed_bits,luts_estimate,ffs_estimate,bram_bits_estimate,cycles_per_frame,fps_estimate,realization\n");
        foreach (var r in runs)
        {
            var h = r.Hardware;
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Network},{r.Seed},{r.Epochs},{r.TestAccuracy:R},{r.IntegerAccuracy:R},{r.Seconds:F1},{r.Parameters},{r.BinaryBits},{h.DeployedBits},{h.Luts},{h.Ffs},{h.BramBits},{h.CyclesPerFrame},{h.FramesPerSecond:F0},\"{h.Realization}\"\n");
        }
        return csv.ToString();
    }

    public static string Summaries(IEnumerable<WhtSummary> summaries)
    {
        var csv = new StringBuilder("network,description,transform,seeds,mean_test_accuracy,std_test_accuracy,min_test_accuracy,max_test_accuracy,mean_integer_accuracy,parameters,binary_bits,deployed_bits,luts_estimate,bram_bits_estimate,fps_estimate\n");
        foreach (var s in summaries)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{s.Network},\"{s.Description}\",{(s.Transform ? "yes" : "no")},{s.Seeds},{s.MeanTestAccuracy:R},{s.StdTestAccuracy:R},{s.MinTestAccuracy:R},{s.MaxTestAccuracy:R},{s.MeanIntegerAccuracy:R},{s.Parameters},{s.BinaryBits},{s.DeployedBits},{s.Luts:F0},{s.BramBits:F0},{s.FramesPerSecond:F0}\n");
        }
        return csv.ToString();
    }

    public static string Epochs(IEnumerable<ComparisonPoint> points)
    {
        var csv = new StringBuilder("network,seed,epoch,loss,train_accuracy,test_accuracy,seconds\n");
        foreach (var p in points)
            csv.Append(CultureInfo.InvariantCulture, $"{p.Mode},{p.Seed},{p.Epoch},{p.Loss:R},{p.TrainAccuracy:R},{p.TestAccuracy:R},{p.Seconds:F3}\n");
        return csv.ToString();
    }
}
