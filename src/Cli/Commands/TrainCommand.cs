using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Plots;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Training.Native;
using HwFlow.Training;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow train`: trains an HBNN, BNN or float MLP or image network and writes a model folder with its log and plot.</summary>
public static class TrainCommand
{
    public sealed record Result(string Folder, string Name, string Dataset, string Arch, string Mode, string FirstLayer, int BinAggression, string Scales,
        int TrainImages, int TestImages, int Epochs, int Batch, double LearningRate, ulong Seed, double TestAccuracy,
        double TrainAccuracy, double Loss, double Seconds, double SecondsPerEpoch, int BlasThreads, IReadOnlyList<EpochRecord> Log);

    public static Command Create()
    {
        var dataset = DatasetOptions.Dataset();
        var mode = new Option<string>("--mode") { Description = "hbnn (Hadamard binarization), bnn (sign, Courbariaux) or float", DefaultValueFactory = _ => "hbnn" };
        var firstLayer = new Option<string?>("--first-layer")
        {
            Description = "The first LinearLayer's weights: float (+bias; the default for hbnn and float) or binary (+-1, no bias: an add/subtract tree in hardware; hbnn, and what bnn always has)",
        };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (weights and batch order)", DefaultValueFactory = _ => 1UL };
        var name = new Option<string?>("--name") { Description = "Model name (default: the output folder's name)" };
        var output = new Option<string>("--output", "-o") { Description = "Output model folder", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var blasThreads = new Option<int>("--blas-threads") { Description = "OpenBLAS threads (other counts give other bytes; see BENCHMARKS.md)", DefaultValueFactory = _ => Trainer.DefaultBlasThreads };
        var json = Output.JsonOption();
        var training = new TrainingOptionSet(defaultEpochs: 10);
        var command = new Command("train", "Train an MLP or image network (HBNN, BNN or float) and write a model folder, a per-epoch CSV log and an accuracy plot")
        {
            dataset, mode, firstLayer,
        };
        foreach (var option in training.All.Append(seed).Append(name).Append(output).Append(force).Append(blasThreads).Append(json))
            command.Options.Add(option);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var requestedFirst = parse.GetValue(firstLayer) is { } first ? FirstLayerChoice.Parse(first) : (FirstLayerWeights?)null;
            var options = training.Read(parse, Architecture.ParseMode(parse.GetValue(mode)!), parse.GetValue(seed), requestedFirst);
            var datasetName = parse.GetValue(dataset)!;
            var (train, test) = training.LoadData(parse, datasetName, options);
            OpenBlas.EnsureAvailable();
            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            var modelName = parse.GetValue(name) ?? Path.GetFileName(staged.Target);
            var run = TrainingProgress.Run(modelName, observer => Trainer.Train(options, train, test, observer, cancel, parse.GetValue(blasThreads)));
            var model = run.Network.Export(modelName);
            ModelWriter.WriteInto(model, staged.Path);
            File.WriteAllText(staged.File(TrainingLog.FileName), TrainingLog.Csv(run.Epochs));
            var firstNote = options.Mode == TrainingMode.Hbnn && options.ResolvedFirstLayer == FirstLayerWeights.Binary ? " (binary first layer)" : "";
            TrainingPlot.Save(run.Epochs, $"{modelName}: {Architecture.ModeName(options.Mode)} {options.Architecture}{firstNote} on {datasetName}", staged.File(TrainingPlot.FileName));
            cancel.ThrowIfCancellationRequested();
            staged.Commit();

            var last = run.Epochs[^1];
            var result = new Result(staged.Target, modelName, datasetName, options.Architecture.ToString(), Architecture.ModeName(options.Mode),
                FirstLayerChoice.Name(options.ResolvedFirstLayer),
                options.BinAggression, model.Scales == ScaleMode.Pow2 ? "pow2" : "exact", train.Count, test.Count, options.Epochs,
                options.BatchSize, options.LearningRate, options.Seed, last.TestAccuracy, last.TrainAccuracy, last.Loss, run.Seconds,
                run.Epochs.Average(e => e.Seconds), parse.GetValue(blasThreads), run.Epochs);
            Output.From(parse, json).Report(result, Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(Result r)
    {
        bool validation = r.Log.Any(e => e.ValidationAccuracy is not null);
        var table = new Table().Border(TableBorder.Rounded).AddColumns(validation ? ["epoch", "loss", "train", "validation", "test", "seconds"] : ["epoch", "loss", "train", "test", "seconds"]);
        foreach (var e in r.Log)
        {
            string[] cells = [e.Epoch.ToString(), e.Loss.ToString("F4"), Units.Percent(e.TrainAccuracy), .. validation ? [Units.Percent(e.ValidationAccuracy ?? 0)] : Array.Empty<string>(),
                Units.Percent(e.TestAccuracy), e.Seconds.ToString("F1")];
            table.AddRow(cells);
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Name}[/]: {r.Mode} {r.Arch} ({r.FirstLayer} first layer) on {r.Dataset} ({r.TrainImages:N0} training images), test accuracy {Units.Percent(r.TestAccuracy)} on {r.TestImages:N0} images");
        AnsiConsole.MarkupLineInterpolated($"{r.Epochs} epochs in {r.Seconds:F1} s ({r.SecondsPerEpoch:F2} s per epoch); wrote {r.Folder}");
    }
}
