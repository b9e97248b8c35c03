using System.CommandLine;
using System.Diagnostics;
using HwFlow.Cli.Infrastructure;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow eval MODEL --dataset D`: accuracy and images/s of an engine on a dataset.</summary>
public static class EvalCommand
{
    public sealed record Result(string Model, string Dataset, string Engine, int Count, int Correct, double Accuracy, double Seconds, double ImagesPerSecond);

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder or its model.yaml" };
        var dataset = DatasetOptions.Dataset();
        var split = DatasetOptions.Split("test");
        var count = DatasetOptions.Count();
        var engine = new Option<string>("--engine")
        {
            Description = "float (the double-precision reference), integer (the golden kernel of the integer graph) or packed (the integer graph with bit-packed popcount kernels)",
            DefaultValueFactory = _ => "float",
        };
        var json = Output.JsonOption();
        var command = new Command("eval", "Measure a model's accuracy and speed on a dataset") { model, dataset, split, count, engine, json };
        CommandAction.Set(command, (parse, _) =>
        {
            string engineName = parse.GetValue(engine)!;
            if (engineName is not ("float" or "integer" or "packed"))
                throw new UserError($"--engine must be float, integer or packed, got '{engineName}'");
            var spec = ModelLoader.Load(parse.GetValue(model)!);
            var data = DatasetOptions.Load(parse, dataset, split, count);
            DatasetOptions.CheckFits(spec, data);
            var result = Evaluate(spec, data, engineName);
            Output.From(parse, json).Report(result, Print);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Result Evaluate(ModelSpec spec, Dataset data, string engine = "float")
    {
        // Engines are built (model lowered, weights packed) before the clock starts: images/s is inference only.
        Func<byte[], int, int[]> classify;
        if (engine == "float")
        {
            var evaluator = new FloatEvaluator(spec);
            classify = (raw, n) => evaluator.Classify(raw, n);
        }
        else
        {
            var graph = IntegerLowering.Lower(spec, new CompileOptions());
            var executor = engine == "packed" ? PackedEngine.Create(graph) : new GraphExecutor(graph);
            classify = (raw, n) => executor.Classify(raw, n);
        }
        // One small warm-up batch first, so images/s measures steady-state inference rather than JIT compilation.
        int warmUp = Math.Min(data.Count, 64);
        classify(data.Images[..(warmUp * data.Features)], warmUp);
        var watch = Stopwatch.StartNew();
        var predicted = classify(data.Images, data.Count);
        double seconds = watch.Elapsed.TotalSeconds;
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (predicted[i] == data.Labels[i]) correct++;
        }
        return new Result(spec.Name, data.Name, engine, data.Count, correct, (double)correct / data.Count, seconds, data.Count / seconds);
    }

    private static void Print(Result r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] on {r.Dataset} ({r.Engine} engine)");
        AnsiConsole.MarkupLineInterpolated($"  accuracy  {Units.Percent(r.Accuracy)}  ({r.Correct:N0} of {r.Count:N0})");
        AnsiConsole.MarkupLineInterpolated($"  speed     {r.ImagesPerSecond:N0} images/s  ({r.Seconds:F2} s)");
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
            if (n < 1) throw new UserError($"--count must be at least 1, got {n}");
            data = data.Take(n);
        }
        return data;
    }

    /// <summary>Refuses a dataset whose image size or labels do not fit the model.</summary>
    public static void CheckFits(ModelSpec model, Dataset data)
    {
        if (data.Features != model.Input.Features)
            throw new UserError($"dataset {data.Name} has {data.Rows}x{data.Columns} = {data.Features} pixels per image, but model {model.Name} expects {model.Input.Features} inputs");
        if (data.ClassCount > model.OutputFeatures)
            throw new UserError($"dataset {data.Name} has labels up to {data.ClassCount - 1}, but model {model.Name} has only {model.OutputFeatures} outputs");
    }
}
