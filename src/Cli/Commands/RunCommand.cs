using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Cli.Options;
using HwFlow.Flow;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow run MODEL --input X.npy -o OUT`: the seed's netEvaluate as a command.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder or its model.yaml" };
        var input = new Option<string>("--input") { Description = "Input .npy: uint8/int8/int32 raw values (scaled by input.scale) or float32 real values; shape [features] or [batch, features]", Required = true };
        var mode = new Option<string>("--mode") { Description = "test: the output (Fold); training: every intermediate activation (FoldList)", DefaultValueFactory = _ => "test" };
        mode.AcceptOnlyFromAmong("test", "training");
        var output = new OutputFolderOptions("Output folder");
        var report = new ReportOptions();
        var command = new Command("run", "Evaluate a model on a batch of inputs and write the results as .npy") { model, input, mode };
        output.AddTo(command);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new RunRequest(parse.GetValue(model)!, parse.GetValue(input)!, output.Read(parse), parse.GetValue(mode) == "training");
            var printer = report.Read(parse, request.Inputs);
            printer.Report(Steps.Run(request, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(RunResult r)
    {
        AnsiConsole.MarkupLineInterpolated($"evaluated [bold]{r.Model}[/] on {r.Batch} input(s) in {r.Mode} mode -> {r.Folder}");
        foreach (var f in r.Files) AnsiConsole.MarkupLineInterpolated($"  {f}");
        if (r.Classes is { } c) AnsiConsole.MarkupLineInterpolated($"classes: {string.Join(" ", c.Take(32))}{(c.Length > 32 ? " ..." : "")}");
    }
}
