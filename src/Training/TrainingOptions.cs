using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;

namespace HwFlow.Training;

/// <summary>How the learning rate moves over the run.</summary>
public enum LearningRateSchedule
{
    /// <summary>Cosine annealing from the given rate to zero at the last step.</summary>
    Cosine,

    /// <summary>The given rate throughout.</summary>
    Constant,
}

/// <summary>Everything that decides a training run's result (same options and seed, same bytes).</summary>
public sealed record TrainingOptions(
    Architecture Architecture,
    TrainingMode Mode,
    int BinAggression = 16,
    ScaleMode Scales = ScaleMode.Exact,
    int Epochs = 10,
    int BatchSize = 100,
    double LearningRate = 0.003,
    LearningRateSchedule Schedule = LearningRateSchedule.Cosine,
    ulong Seed = 1,
    int Shift = 0,
    FirstLayerWeights? FirstLayer = null,
    TransformFront? Transform = null,
    int Validation = 0,
    bool Flip = false,
    int? Population = null)
{
    /// <summary>Training images an image network's BatchNorm statistics come from when --population is not given.</summary>
    public const int DefaultImagePopulation = 10_000;

    /// <summary>
    /// How many training images (the first ones) set the BatchNorm population statistics: all of
    /// them for an MLP, whose pass costs one forward pass, and the first 10,000 for an image
    /// network, whose pass runs the convolutions once per BatchNorm (see PopulationStatistics).
    /// </summary>
    public int PopulationImages(int trainImages) => Math.Min(trainImages, Population ?? (Architecture.IsImage ? DefaultImagePopulation : trainImages));

    /// <summary>The first layer this run trains (the mode's own unless asked otherwise).</summary>
    public FirstLayerWeights ResolvedFirstLayer => FirstLayerChoice.Resolve(Mode, FirstLayer);

    /// <summary>The transform front (used with --first-layer wht only).</summary>
    public TransformFront ResolvedTransform => Transform ?? TransformFront.Default;

    /// <summary>Refuses options that cannot train, naming the option.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new UserError($"--epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new UserError($"--batch must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new UserError($"--lr must be a positive number, got {LearningRate}");
        if (Shift < 0) throw new UserError($"--shift must be 0 or more pixels, got {Shift}");
        if (Population is < 2) throw new UserError($"--population must be at least 2 images, got {Population}");
        if (Validation < 0) throw new UserError($"--validation must be 0 or more images, got {Validation}");
        if (BinAggression < 1) throw new UserError($"--bin-agg must be at least 1, got {BinAggression}");
        if (Scales == ScaleMode.Pow2 && Mode != TrainingMode.Hbnn)
            throw new UserError($"--scales pow2 applies to --mode hbnn only (a {Architecture.ModeName(Mode)} model has no chunk scales)");
        ResolvedTransform.Validate(Architecture, FirstLayerChoice.Resolve(Mode, FirstLayer));
    }

    public double RateAt(long step, long totalSteps) => Schedule switch
    {
        LearningRateSchedule.Constant => LearningRate,
        _ => LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / Math.Max(1, totalSteps))),
    };
}

/// <summary>One line of the per-epoch log; the validation accuracy is there when images were held out (--validation).</summary>
public sealed record EpochRecord(int Epoch, double Loss, double TrainAccuracy, double TestAccuracy, double LearningRate,
    double TrainSeconds, double Seconds, double? ValidationAccuracy = null);

/// <summary>What a run reports as it goes (progress bars, plain log lines).</summary>
public interface ITrainingObserver
{
    void EpochStarted(int epoch, int epochs, int batches);

    /// <summary>After each batch: the epoch's running mean loss and training accuracy so far.</summary>
    void BatchCompleted(int epoch, int batch, double loss, double accuracy);

    void EpochCompleted(EpochRecord record);
}
