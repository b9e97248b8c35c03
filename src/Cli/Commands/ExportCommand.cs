namespace HwFlow.Cli.Commands;

/// <summary>`hwflow export MODEL -o model.onnx`: a model as QONNX, for FINN or hls4ml.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder, its model.yaml, or an .onnx file" };
        var output = new Option<string>("--output", "-o") { Description = "ONNX file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists" };
        var report = new ReportOptions();
        var command = new Command("export", "Write a model as QONNX (BNN models and imported QONNX / FINN models)") { model, output, force };
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new ExportRequest(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(force));
            report.Read(parse, request.Inputs).Report(Steps.Export(request, cancel), r =>
                AnsiConsole.MarkupLineInterpolated($"wrote {r.File}: {r.Nodes} nodes, {r.Bytes:N0} bytes (QONNX; input = real values, raw * input.scale)"));
            return ExitCodes.Success;
        });
        return command;
    }
}
