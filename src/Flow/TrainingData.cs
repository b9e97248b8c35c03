using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Training;

namespace HwFlow.Flow;

/// <summary>The images a training run learns from and is tested on: a dataset's train and test splits, optionally cut to their first images (quick runs).</summary>
public sealed record TrainingData(string Dataset, int? Limit = null, int? TestLimit = null)
{
    public string SourcePath => DatasetCatalog.SourcePath(Dataset);

    /// <summary>Both splits, cut by the limits and checked against the architecture of <paramref name="options"/>.</summary>
    public (Dataset Train, Dataset Test) Load(TrainingOptions options)
    {
        if (Limit is < 2) throw new UserError($"--limit must be at least 2, got {Limit}");
        if (TestLimit is < 1) throw new UserError($"--test-limit must be at least 1, got {TestLimit}");
        var train = DatasetCatalog.Load(Dataset, DataSplit.Train);
        var test = DatasetCatalog.Load(Dataset, DataSplit.Test);
        if (Limit is { } limit) train = train.Take(limit);
        if (TestLimit is { } testLimit) test = test.Take(testLimit);
        Trainer.CheckFits(options, train, test);
        return (train, test);
    }
}
