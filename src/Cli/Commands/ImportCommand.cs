using HwFlow.Runtime.Model;
using HwFlow.Runtime.Onnx;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow import MODEL.onnx -o DIR`: a QONNX / FINN-ONNX model as an HwFlow model folder.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "QONNX or FINN-ONNX model (.onnx)" };
        var output = new OutputFolderOptions("Model folder to write");
        var inputScale = new Option<double?>("--input-scale")
        {
            Description = "real input = raw byte * scale; default: the file's hwflow.input.scale, 1 for a uint8 input, else 1/255 (pixels in [0, 1], as Brevitas's MNIST models expect)",
        };
        var name = new Option<string?>("--name") { Description = "Model name (default: the file name)" };
        var kind = new Option<string?>("--output-kind") { Description = "class (argmax, the default) or scores" };
        kind.AcceptOnlyFromAmong("class", "scores");
        var report = new ReportOptions();
        var command = new Command("import", "Import a QONNX or FINN-ONNX model into an HwFlow model folder") { model, inputScale, name, kind };
        output.AddTo(command);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var options = new OnnxImportOptions
            {
                InputScale = parse.GetValue(inputScale),
                Name = parse.GetValue(name),
                Output = parse.GetValue(kind) switch { "class" => OutputKind.Class, "scores" => OutputKind.Scores, _ => null },
            };
            var request = new ImportRequest(parse.GetValue(model)!, output.Read(parse), options);
            report.Read(parse, request.Inputs).Report(Steps.Import(request, cancel), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(ImportResult result)
    {
        InfoCommand.Print(result.Model);
        AnsiConsole.MarkupLineInterpolated($"imported {result.Source} in {result.Seconds * 1000:F0} ms; wrote {result.Folder}");
    }
}
