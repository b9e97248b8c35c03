using System.CommandLine;
using HwFlow.Cli.Infrastructure;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow run MODEL --input X.npy -o OUT`: the seed's netEvaluate as a command.</summary>
public static class RunCommand
{
    public sealed record Result(string Model, string Mode, int Batch, string Folder, IReadOnlyList<string> Files, int[]? Classes);

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder, its model.yaml, or a QONNX / FINN-ONNX .onnx file (imported on the fly)" };
        var input = new Option<string>("--input") { Description = "Input .npy: uint8/int8/int32 raw values (scaled by input.scale) or float32 real values; shape [features] or [batch, features]", Required = true };
        var mode = new Option<string>("--mode") { Description = "test: the output (Fold); training: every intermediate activation (FoldList)", DefaultValueFactory = _ => "test" };
        mode.AcceptOnlyFromAmong("test", "training");
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var json = Output.JsonOption();
        var command = new Command("run", "Evaluate a model on a batch of inputs and write the results as .npy") { model, input, mode, output, force, json };
        CommandAction.Set(command, (parse, _) =>
        {
            var spec = ModelLoader.Load(parse.GetValue(model)!);
            var inputPath = parse.GetValue(input)!;
            var batch = ModelInput.FromArray(NpyFile.Read(inputPath), spec.Input, inputPath);
            var evaluator = new FloatEvaluator(spec);
            bool training = parse.GetValue(mode) == "training";

            var files = new List<string>();
            int[]? classes = null;
            using (var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force)))
            {
                if (training)
                {
                    var all = evaluator.EvaluateAll(batch);
                    for (int i = 0; i < all.Count; i++)
                    {
                        var name = i == 0 ? "00-input.npy" : $"{i:00}-{spec.Layers[i - 1].Type}.npy";
                        Write(staged.File(name), all[i]);
                        files.Add(name);
                    }
                }
                else
                {
                    var result = evaluator.Evaluate(batch);
                    Write(staged.File("output.npy"), result);
                    files.Add("output.npy");
                    if (spec.Output == OutputKind.Class)
                    {
                        classes = result.ArgMaxPerRow();
                        NpyFile.Write(staged.File("class.npy"), NpyArray.FromInt32([classes.Length], classes));
                        files.Add("class.npy");
                    }
                }
                staged.Commit();
                var report = new Result(spec.Name, training ? "training" : "test", batch.Rows, staged.Target, files, classes);
                Output.From(parse, json).Report(report, Print);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(string path, Matrix m) => NpyFile.Write(path, NpyArray.FromFloats([m.Rows, m.Columns], m.ToFloats()));

    private static void Print(Result r)
    {
        AnsiConsole.MarkupLineInterpolated($"evaluated [bold]{r.Model}[/] on {r.Batch} input(s) in {r.Mode} mode -> {r.Folder}");
        foreach (var f in r.Files) AnsiConsole.MarkupLineInterpolated($"  {f}");
        if (r.Classes is { } c) AnsiConsole.MarkupLineInterpolated($"classes: {string.Join(" ", c.Take(32))}{(c.Length > 32 ? " ..." : "")}");
    }
}
