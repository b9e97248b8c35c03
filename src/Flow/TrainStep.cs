using HwFlow.Flow.Plots;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Native;

namespace HwFlow.Flow;

/// <param name="Name">The model's name (default: the output folder's name).</param>
public sealed record TrainRequest(TrainingOptions Options, TrainingData Data, OutputFolder Output, string? Name = null) : IFlowRequest
{
    public int BlasThreads { get; init; } = Trainer.DefaultBlasThreads;

    public IReadOnlyList<string> Inputs => [Data.SourcePath];
}

public sealed record TrainResult(string Folder, string Name, string Dataset, string Arch, string Mode, string FirstLayer, int BinAggression, string Scales,
    int TrainImages, int TestImages, int Epochs, int Batch, double LearningRate, ulong Seed, double TestAccuracy,
    double TrainAccuracy, double Loss, double Seconds, double SecondsPerEpoch, int BlasThreads, IReadOnlyList<EpochRecord> Log);

/// <summary>`hwflow train`: an MLP trained and written as a model folder with its per-epoch log and accuracy plot.</summary>
internal static class TrainStep
{
    public static TrainResult Run(TrainRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var options = request.Options;
        options.Validate();
        var (train, test) = request.Data.Load(options);
        OpenBlas.EnsureAvailableForTraining();
        using var staged = StagedFolder.Begin(request.Output, "train", request.Inputs);
        var name = request.Name ?? Path.GetFileName(staged.Target);
        var run = progress.Train(name, observer => Trainer.Train(options, train, test, observer, cancel, request.BlasThreads));
        var model = run.Network.Export(name);
        ModelWriter.WriteInto(model, staged.Path);
        File.WriteAllText(staged.File(TrainingLog.FileName), TrainingLog.Csv(run.Epochs));
        var firstNote = options.ResolvedFirstLayer switch
        {
            FirstLayerWeights.Binary when options.Mode == TrainingMode.Hbnn => " (binary first layer)",
            FirstLayerWeights.WalshHadamard => $" (Walsh-Hadamard first layer x{options.ResolvedTransform.Stack})",
            _ => "",
        };
        TrainingPlot.Save(run.Epochs, $"{name}: {Architecture.ModeName(options.Mode)} {options.Architecture}{firstNote} on {request.Data.Dataset}", staged.File(TrainingPlot.FileName));
        cancel.ThrowIfCancellationRequested();
        staged.Commit();

        var last = run.Epochs[^1];
        return new TrainResult(staged.Target, name, request.Data.Dataset, options.Architecture.ToString(), Architecture.ModeName(options.Mode),
            FirstLayerChoice.Name(options.ResolvedFirstLayer), options.BinAggression, model.Scales == ScaleMode.Pow2 ? "pow2" : "exact",
            train.Count, test.Count, options.Epochs, options.BatchSize, options.LearningRate, options.Seed, last.TestAccuracy, last.TrainAccuracy,
            last.Loss, run.Seconds, run.Epochs.Average(e => e.Seconds), request.BlasThreads, run.Epochs);
    }
}
