using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Onnx;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow export MODEL -o model.onnx`: a model as QONNX, for FINN or hls4ml.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder, its model.yaml, or an .onnx file" };
        var output = new Option<string>("--output", "-o") { Description = "ONNX file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists" };
        var json = Output.JsonOption();
        var command = new Command("export", "Write a model as QONNX (BNN models and imported QONNX / FINN models)") { model, output, force, json };
        CommandAction.Set(command, (parse, _) =>
        {
            var path = parse.GetValue(model)!;
            var result = OnnxExport.ToFile(ModelLoader.Load(path), path, parse.GetValue(output)!, parse.GetValue(force));
            Output.From(parse, json).Report(result, r =>
                AnsiConsole.MarkupLineInterpolated($"wrote {r.File}: {r.Nodes} nodes, {r.Bytes:N0} bytes (QONNX; input = real values, raw * input.scale)"));
            return ExitCodes.Success;
        });
        return command;
    }
}
