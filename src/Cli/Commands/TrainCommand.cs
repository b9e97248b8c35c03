using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using HwFlow.Training;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow train`: trains an HBNN, BNN or float MLP and writes a model folder with its log and plot.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new DatasetOptions(withSplit: false);
        var mode = new Option<string>("--mode") { Description = "hbnn (Hadamard binarization), bnn (sign, Courbariaux) or float", DefaultValueFactory = _ => "hbnn" };
        var firstLayer = new Option<string?>("--first-layer")
        {
            Description = "The first LinearLayer's weights: float (+bias; the default for hbnn and float) or binary (+-1, no bias: an add/subtract tree in hardware; hbnn, and what bnn always has)",
        };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (weights and batch order)", DefaultValueFactory = _ => 1UL };
        var name = new Option<string?>("--name") { Description = "Model name (default: the output folder's name)" };
        var output = new OutputFolderOptions("Output model folder");
        var blasThreads = new Option<int>("--blas-threads") { Description = "OpenBLAS threads (other counts give other bytes; see BENCHMARKS.md)", DefaultValueFactory = _ => Trainer.DefaultBlasThreads };
        var report = new ReportOptions();
        var training = new TrainingOptionSet(defaultEpochs: 10);
        var command = new Command("train", "Train an MLP (HBNN, BNN or float) and write a model folder, a per-epoch CSV log and an accuracy plot");
        dataset.AddTo(command);
        command.Options.Add(mode);
        command.Options.Add(firstLayer);
        foreach (var option in training.All.Append(seed).Append(name)) command.Options.Add(option);
        output.AddTo(command);
        command.Options.Add(blasThreads);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var requestedFirst = parse.GetValue(firstLayer) is { } first ? FirstLayerChoice.Parse(first) : (FirstLayerWeights?)null;
            var options = training.Read(parse, Architecture.ParseMode(parse.GetValue(mode)!), parse.GetValue(seed), requestedFirst);
            var request = new TrainRequest(options, training.ReadData(parse, dataset.Name(parse)), output.Read(parse), parse.GetValue(name))
            {
                BlasThreads = parse.GetValue(blasThreads),
            };
            var printer = report.Read(parse, request.Inputs);
            printer.Report(Steps.Train(request, ConsoleProgress.Instance, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(TrainResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("epoch", "loss", "train", "test", "seconds");
        foreach (var e in r.Log)
            table.AddRow(e.Epoch.ToString(), e.Loss.ToString("F4"), Units.Percent(e.TrainAccuracy), Units.Percent(e.TestAccuracy), e.Seconds.ToString("F1"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Name}[/]: {r.Mode} {r.Arch} ({r.FirstLayer} first layer) on {r.Dataset} ({r.TrainImages:N0} training images), test accuracy {Units.Percent(r.TestAccuracy)} on {r.TestImages:N0} images");
        AnsiConsole.MarkupLineInterpolated($"{r.Epochs} epochs in {r.Seconds:F1} s ({r.SecondsPerEpoch:F2} s per epoch); wrote {r.Folder}");
    }
}
