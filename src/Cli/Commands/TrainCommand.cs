using HwFlow.Training;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow train`: trains an HBNN, BNN or float MLP or image network and writes a model folder with its log and plot.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new DatasetOptions(withSplit: false);
        var mode = new Option<string>("--mode") { Description = "hbnn (Hadamard binarization), bnn (sign, Courbariaux) or float", DefaultValueFactory = _ => "hbnn" };
        var firstLayer = new Option<string?>("--first-layer")
        {
            Description = "The first LinearLayer's weights: float (+bias; the default for hbnn and float), binary (+-1, no bias: an add/subtract tree in hardware; hbnn, and what bnn always has), or wht (no weights: seeded random signs and the Walsh-Hadamard transform, size = the first hidden width)",
        };
        var whtStack = new Option<int>("--wht-stack") { Description = "With --first-layer wht: transforms stacked (D H D H ...), each with its own random signs", DefaultValueFactory = _ => 1 };
        var whtDiagonal = new Option<string>("--wht-diagonal") { Description = "With --wht-stack 2+: learned diagonal between the transforms: none, sign, pow2 or real", DefaultValueFactory = _ => "none" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (weights and batch order)", DefaultValueFactory = _ => 1UL };
        var name = new Option<string?>("--name") { Description = "Model name (default: the output folder's name)" };
        var output = new OutputFolderOptions("Output model folder");
        var blasThreads = new Option<int>("--blas-threads") { Description = "OpenBLAS threads for the large GEMMs (a convolution's; smaller ones use 1); other counts give other bytes, see BENCHMARKS.md", DefaultValueFactory = _ => Trainer.DefaultBlasThreads };
        var report = new ReportOptions();
        var training = new TrainingOptionSet(defaultEpochs: 10);
        var command = new Command("train", "Train an MLP or image network (HBNN, BNN or float) and write a model folder, a per-epoch CSV log and an accuracy plot");
        dataset.AddTo(command);
        command.Options.Add(mode);
        command.Options.Add(firstLayer);
        command.Options.Add(whtStack);
        command.Options.Add(whtDiagonal);
        foreach (var option in training.All.Append(seed).Append(name)) command.Options.Add(option);
        output.AddTo(command);
        command.Options.Add(blasThreads);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var requestedFirst = parse.GetValue(firstLayer) is { } first ? FirstLayerChoice.Parse(first) : (FirstLayerWeights?)null;
            var transform = new TransformFront(parse.GetValue(whtStack), TransformFront.ParseDiagonal(parse.GetValue(whtDiagonal)!));
            var options = training.Read(parse, Architecture.ParseMode(parse.GetValue(mode)!), parse.GetValue(seed), requestedFirst, transform);
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
