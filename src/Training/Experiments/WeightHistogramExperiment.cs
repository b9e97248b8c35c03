using HwFlow.Runtime.Data;
using HwFlow.Training;

namespace HwFlow.Training.Experiments;

/// <summary>One bin of a latent-weight histogram.</summary>
public sealed record HistogramBin(string Mode, double Low, double High, long Count);

/// <summary>How the latent weights of one mode spread: how many sit at the clipping bounds, their spread.</summary>
public sealed record HistogramSummary(string Mode, long Weights, double Std, double SaturatedFraction, double TestAccuracy);

/// <summary>
/// The seed's weight-histogram figure: train an HBNN and a BNN with the same options, then
/// histogram the latent weights of their BinLayers (the layers both binarize) over [-1, 1].
/// The seed shows BNN's on a log axis because its weights pile up at the clipping bounds.
/// </summary>
public static class WeightHistogramExperiment
{
    /// <summary>A latent weight this close to +-1 counts as saturated (stuck at the clip).</summary>
    public const double SaturationMargin = 1e-3;

    public sealed record Result(IReadOnlyList<HistogramBin> Bins, IReadOnlyList<HistogramSummary> Summaries);

    public static Result Run(TrainingOptions options, Dataset train, Dataset test, int bins,
        Func<string, Func<ITrainingObserver, TrainingResult>, TrainingResult> observe, CancellationToken cancel = default)
    {
        if (bins < 2) throw new Runtime.Errors.UserError($"--bins must be at least 2, got {bins}");
        var allBins = new List<HistogramBin>();
        var summaries = new List<HistogramSummary>();
        foreach (var mode in new[] { TrainingMode.Hbnn, TrainingMode.Bnn })
        {
            var name = Architecture.ModeName(mode);
            var run = observe(name, observer => Trainer.Train(options with { Mode = mode }, train, test, observer, cancel));
            var weights = BinLayerLatentWeights(run.Network);
            allBins.AddRange(Histogram(name, weights, bins));
            double mean = weights.Average(w => (double)w);
            double std = Math.Sqrt(weights.Average(w => (w - mean) * (w - mean)));
            double saturated = weights.Count(w => Math.Abs(w) >= 1 - SaturationMargin) / (double)weights.Count;
            summaries.Add(new HistogramSummary(name, weights.Count, std, saturated, run.Epochs[^1].TestAccuracy));
        }
        return new Result(allBins, summaries);
    }

    /// <summary>The latent weights of every layer exported as a BinLayer.</summary>
    public static List<float> BinLayerLatentWeights(TrainingNetwork network) =>
        network.Layers.OfType<DenseTrainLayer>()
            .Where(l => l.Export() is Runtime.Model.BinLayer)
            .SelectMany(l => l.LatentWeights())
            .ToList();

    /// <summary>Equal-width bins over [-1, 1]; the top edge belongs to the last bin.</summary>
    public static IEnumerable<HistogramBin> Histogram(string mode, IReadOnlyList<float> weights, int bins)
    {
        var counts = new long[bins];
        foreach (var w in weights)
        {
            int bin = (int)Math.Floor((w + 1.0) / 2.0 * bins);
            counts[Math.Clamp(bin, 0, bins - 1)]++;
        }
        for (int b = 0; b < bins; b++)
            yield return new HistogramBin(mode, -1 + (2.0 * b / bins), -1 + (2.0 * (b + 1) / bins), counts[b]);
    }
}
