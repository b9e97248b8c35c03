using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>
/// `hwflow eval MODEL --dataset D [--engine float|integer|packed]`: accuracy and images/s. The
/// integer engine (the golden kernel on the lowered graph) and the packed engine (the same graph
/// on bit-packed popcount kernels, bit-identical to the golden kernel) are also compared with the
/// float reference: both accuracies and their top-1 agreement.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder or its model.yaml" };
        var dataset = new DatasetOptions();
        var engine = new Option<string>("--engine")
        {
            Description = "float (the reference), integer (the golden kernel the hardware must match), or packed (the integer graph on bit-packed popcount kernels: the golden kernel's answers, faster)",
            DefaultValueFactory = _ => "float",
        };
        engine.AcceptOnlyFromAmong("float", "integer", "packed");
        var lowering = new LoweringOptions();
        var report = new ReportOptions();
        var command = new Command("eval", "Measure a model's accuracy and speed on a dataset") { model };
        dataset.AddTo(command);
        command.Options.Add(engine);
        report.AddTo(command);
        lowering.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new EvaluateRequest(parse.GetValue(model)!, dataset.Read(parse), Enum.Parse<EvalEngine>(parse.GetValue(engine)!, ignoreCase: true))
            {
                Lowering = lowering.Read(parse),
            };
            var output = report.Read(parse, request.Inputs);
            output.Report(Steps.Evaluate(request, ConsoleProgress.Instance, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(EvaluateResult r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] on {r.Dataset} ({r.Count:N0} images)");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("engine", "accuracy", "correct", "images/s");
        if (r.Reference is { } f) table.AddTextRow(f.Engine, Units.Percent(f.Accuracy), f.Correct.ToString("N0"), f.ImagesPerSecond.ToString("N0"));
        table.AddTextRow(r.Engine, Units.Percent(r.Accuracy), r.Correct.ToString("N0"), r.ImagesPerSecond.ToString("N0"));
        AnsiConsole.Write(table);
        if (r.Agreement is { } agreement && r.Reference is { } reference)
        {
            AnsiConsole.MarkupLineInterpolated($"top-1 agreement with the float reference: {Units.Percent(agreement)} ({r.Disagreements:N0} images differ); accuracy change {100 * (r.Accuracy - reference.Accuracy):+0.00;-0.00} points");
        }
    }
}
