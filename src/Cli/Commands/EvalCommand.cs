using System.CommandLine;
using System.Diagnostics;
using HwFlow.Cli.Infrastructure;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;
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
    public sealed record EngineResult(string Engine, int Correct, double Accuracy, double Seconds, double ImagesPerSecond);

    public sealed record Result(string Model, string Dataset, string Engine, int Count, int Correct, double Accuracy, double Seconds,
        double ImagesPerSecond, EngineResult? Reference = null, double? Agreement = null, int? Disagreements = null);

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder, its model.yaml, or a QONNX / FINN-ONNX .onnx file (imported on the fly)" };
        var dataset = DatasetOptions.Dataset();
        var split = DatasetOptions.Split("test");
        var count = DatasetOptions.Count();
        var engine = new Option<string>("--engine")
        {
            Description = "float (the reference), integer (the golden kernel the hardware must match), or packed (the integer graph on bit-packed popcount kernels: the golden kernel's answers, faster)",
            DefaultValueFactory = _ => "float",
        };
        engine.AcceptOnlyFromAmong("float", "integer", "packed");
        var lowering = new LoweringOptions();
        var json = Output.JsonOption();
        var command = new Command("eval", "Measure a model's accuracy and speed on a dataset") { model, dataset, split, count, engine, json };
        lowering.AddTo(command);
        CommandAction.Set(command, (parse, _) =>
        {
            var spec = ModelLoader.Load(parse.GetValue(model)!);
            var data = DatasetOptions.Load(parse, dataset, split, count);
            DatasetOptions.CheckFits(spec, data);
            var (floatResult, floatClasses) = Measure("float", data, () => new FloatEvaluator(spec).Classify(data.Images, data.Count));
            Result result;
            string engineName = parse.GetValue(engine)!;
            if (engineName is "integer" or "packed")
            {
                var graph = IntegerLowering.Lower(spec, lowering.Read(parse));
                var (integer, integerClasses) = Measure(engineName, data, () =>
                    (engineName == "packed" ? PackedEngine.Create(graph) : new GraphExecutor(graph)).Classify(data.Images, data.Count));
                int agree = floatClasses.Zip(integerClasses).Count(p => p.First == p.Second);
                result = From(spec, data, integer) with { Reference = floatResult, Agreement = (double)agree / data.Count, Disagreements = data.Count - agree };
            }
            else
            {
                result = From(spec, data, floatResult);
            }
            Output.From(parse, json).Report(result, Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Result From(ModelSpec spec, Dataset data, EngineResult r) =>
        new(spec.Name, data.Name, r.Engine, data.Count, r.Correct, r.Accuracy, r.Seconds, r.ImagesPerSecond);

    private static (EngineResult Result, int[] Classes) Measure(string engine, Dataset data, Func<int[]> classify)
    {
        var watch = Stopwatch.StartNew();
        var classes = classify();
        double seconds = watch.Elapsed.TotalSeconds;
        int correct = classes.Where((c, i) => c == data.Labels[i]).Count();
        return (new EngineResult(engine, correct, (double)correct / data.Count, seconds, data.Count / seconds), classes);
    }

    private static void Print(Result r)
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

/// <summary>The --dataset/--split/--count options shared by commands that read a dataset.</summary>
public static class DatasetOptions
{
    public static Option<string> Dataset() => new("--dataset")
    {
        Description = "fashion-mnist, mnist, or a folder holding IDX files (train-/t10k-images-idx3-ubyte[.gz] and labels)",
        Required = true,
    };

    public static Option<string> Split(string defaultSplit) => new("--split")
    {
        Description = "train or test",
        DefaultValueFactory = _ => defaultSplit,
    };

    public static Option<int?> Count() => new("--count") { Description = "Use only the first N images" };

    public static Dataset Load(ParseResult parse, Option<string> dataset, Option<string> split, Option<int?> count)
    {
        var data = DatasetCatalog.Load(parse.GetValue(dataset)!, DatasetCatalog.ParseSplit(parse.GetValue(split)!));
        if (parse.GetValue(count) is { } n)
        {
            if (n < 1) throw new Runtime.Errors.UserError($"--count must be at least 1, got {n}");
            data = data.Take(n);
        }
        return data;
    }

    /// <summary>Refuses a dataset whose image size or labels do not fit the model.</summary>
    public static void CheckFits(ModelSpec model, Dataset data)
    {
        if (data.Features != model.Input.Features)
            throw new Runtime.Errors.UserError($"dataset {data.Name} has {data.Rows}x{data.Columns} = {data.Features} pixels per image, but model {model.Name} expects {model.Input.Features} inputs");
        if (data.ClassCount > model.OutputFeatures)
            throw new Runtime.Errors.UserError($"dataset {data.Name} has labels up to {data.ClassCount - 1}, but model {model.Name} has only {model.OutputFeatures} outputs");
    }
}
