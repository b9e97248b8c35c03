using System.Diagnostics;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Flow;

/// <summary>The engine `hwflow eval` measures: the float reference, the integer golden kernel, or the same integer graph on bit-packed kernels.</summary>
public enum EvalEngine
{
    Float,
    Integer,
    Packed,
}

public sealed record EvaluateRequest(string Model, DatasetChoice Dataset, EvalEngine Engine = EvalEngine.Float) : IFlowRequest
{
    /// <summary>How the integer and packed engines lower the model.</summary>
    public CompileOptions Lowering { get; init; } = new();

    public IReadOnlyList<string> Inputs => [ModelLoader.FolderOf(Model), Dataset.SourcePath];
}

public sealed record EngineResult(string Engine, int Correct, double Accuracy, double Seconds, double ImagesPerSecond);

/// <summary>Accuracy and speed of one engine; for the integer engines also the float reference's, and their top-1 agreement.</summary>
public sealed record EvaluateResult(string Model, string Dataset, string Engine, int Count, int Correct, double Accuracy, double Seconds,
    double ImagesPerSecond, EngineResult? Reference = null, double? Agreement = null, int? Disagreements = null);

/// <summary>`hwflow eval`: classify a dataset with an engine, timing only the classification.</summary>
internal static class EvaluateStep
{
    private delegate int[] Classifier(ReadOnlySpan<byte> raw, int count);

    /// <summary>Images per engine call: Ctrl-C is noticed between batches, and the progress bar moves.</summary>
    private const int Batch = 1000;

    public static EvaluateResult Run(EvaluateRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var spec = ModelLoader.Load(request.Model);
        var data = request.Dataset.Load();
        DatasetFit.ToModel(spec, data);
        var (reference, referenceClasses) = Measure("float", data, new FloatEvaluator(spec).Classify, progress, cancel);
        if (request.Engine == EvalEngine.Float) return From(spec, data, reference);

        var name = request.Engine.ToString().ToLowerInvariant();
        var graph = IntegerLowering.Lower(spec, request.Lowering);
        var executor = request.Engine == EvalEngine.Packed ? PackedEngine.Create(graph) : new GraphExecutor(graph);
        var (integer, classes) = Measure(name, data, executor.Classify, progress, cancel);
        int agree = referenceClasses.Zip(classes).Count(p => p.First == p.Second);
        return From(spec, data, integer) with { Reference = reference, Agreement = (double)agree / data.Count, Disagreements = data.Count - agree };
    }

    private static EvaluateResult From(ModelSpec spec, Dataset data, EngineResult r) =>
        new(spec.Name, data.Name, r.Engine, data.Count, r.Correct, r.Accuracy, r.Seconds, r.ImagesPerSecond);

    private static (EngineResult Result, int[] Classes) Measure(string engine, Dataset data, Classifier classify, IFlowProgress progress, CancellationToken cancel)
    {
        int batches = (data.Count + Batch - 1) / Batch;
        var watch = new Stopwatch();
        var classes = progress.Track($"eval {engine}", batches, report =>
        {
            var all = new List<int>(data.Count);
            for (int b = 0; b < batches; b++)
            {
                cancel.ThrowIfCancellationRequested();
                int start = b * Batch, count = Math.Min(Batch, data.Count - start);
                watch.Start();
                all.AddRange(classify(data.Images.AsSpan(start * data.Features, count * data.Features), count));
                watch.Stop();
                report.Report(b + 1);
            }
            return all.ToArray();
        });
        double seconds = watch.Elapsed.TotalSeconds;
        int correct = classes.Where((c, i) => c == data.Labels[i]).Count();
        return (new EngineResult(engine, correct, (double)correct / data.Count, seconds, data.Count / seconds), classes);
    }
}
