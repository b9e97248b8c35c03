using HwFlow.Runtime.Model;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow info MODEL`: the layer table, parameters, and binary versus float size.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder, its model.yaml, or a QONNX / FINN-ONNX .onnx file (imported on the fly)" };
        var report = new ReportOptions();
        var command = new Command("info", "Show a model's layers, shapes, parameters and sizes") { model };
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var path = parse.GetValue(model)!;
            var output = report.Read(parse, [ModelLoader.FolderOf(path)]);
            output.Report(Steps.Info(path, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static void Print(ModelSummary summary)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{summary.Name}[/]: {summary.InputText} -> {summary.Outputs} outputs ({summary.Output})");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("#", "layer", "in -> out", "k", "binarization", "parameters", "float32", "binary");
        foreach (var l in summary.Layers)
        {
            table.AddTextRow(
                l.Index.ToString(), l.Type, l.Shapes, l.ChunkLength?.ToString() ?? "-", l.Binarization,
                l.Parameters.ToString("N0"), Units.Bits(l.FloatBits), Units.Bits(l.BinaryBits));
        }
        table.AddRow("", "[bold]total[/]", "", "", "", $"[bold]{summary.Parameters:N0}[/]",
            $"[bold]{Units.Bits(summary.FloatBits)}[/]", $"[bold]{Units.Bits(summary.BinaryBits)}[/]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"binary model is {summary.CompressionRatio:F1}x smaller than float32 (binary weights, BinLayer's and a +-1 LinearLayer's: 1 bit; chunk scales: float32)");
    }
}
