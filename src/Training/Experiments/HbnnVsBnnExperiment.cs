using HwFlow.Runtime.Data;
using HwFlow.Training;

namespace HwFlow.Training.Experiments;

/// <summary>One epoch of one run of the comparison.</summary>
public sealed record ComparisonPoint(string Dataset, string Mode, ulong Seed, int Epoch, double Loss, double TrainAccuracy,
    double TestAccuracy, double Seconds);

/// <summary>Mean and spread over the seeds of the last epoch's test accuracy.</summary>
public sealed record ComparisonSummary(string Dataset, string Mode, int Seeds, double MeanTestAccuracy, double StdTestAccuracy,
    double MinTestAccuracy, double MaxTestAccuracy);

/// <summary>Per dataset: does HBNN reach at least BNN's mean accuracy, as the seed claims (87% vs 82%)?</summary>
public sealed record ComparisonVerdict(string Dataset, double Hbnn, double Bnn, double Float, bool HbnnAtLeastBnn);

/// <summary>
/// The seed's accuracy figure: HBNN versus BNN (and the float baseline) with the same
/// architecture and training options, a few epochs, several seeds, on each dataset.
/// </summary>
public static class HbnnVsBnnExperiment
{
    public static readonly TrainingMode[] Modes = [TrainingMode.Hbnn, TrainingMode.Bnn, TrainingMode.Float];

    public sealed record Options(IReadOnlyList<string> Datasets, TrainingOptions Training, int Seeds);

    public sealed record Result(IReadOnlyList<ComparisonPoint> Points, IReadOnlyList<ComparisonSummary> Summaries,
        IReadOnlyList<ComparisonVerdict> Verdicts);

    /// <summary>
    /// Runs every dataset x mode x seed (seeds 1..Seeds). <paramref name="load"/> gives a dataset's
    /// training and test sets; <paramref name="observe"/> an observer for each run's name.
    /// </summary>
    public static Result Run(Options options, Func<string, (Dataset Train, Dataset Test)> load,
        Func<string, Func<ITrainingObserver, TrainingResult>, TrainingResult> observe, CancellationToken cancel = default)
    {
        if (options.Seeds < 1) throw new Runtime.Errors.UserError($"--seeds must be at least 1, got {options.Seeds}");
        var points = new List<ComparisonPoint>();
        foreach (var dataset in options.Datasets)
        {
            var (train, test) = load(dataset);
            foreach (var mode in Modes)
            {
                for (ulong seed = 1; seed <= (ulong)options.Seeds; seed++)
                {
                    var training = options.Training with { Mode = mode, Seed = seed };
                    var name = $"{dataset} {Architecture.ModeName(mode)} seed {seed}";
                    var run = observe(name, observer => Trainer.Train(training, train, test, observer, cancel));
                    points.AddRange(run.Epochs.Select(e => new ComparisonPoint(dataset, Architecture.ModeName(mode), seed, e.Epoch,
                        e.Loss, e.TrainAccuracy, e.TestAccuracy, e.Seconds)));
                }
            }
        }
        var summaries = Summarize(points);
        var verdicts = options.Datasets.Select(d =>
        {
            double Mean(string mode) => summaries.Single(s => s.Dataset == d && s.Mode == mode).MeanTestAccuracy;
            return new ComparisonVerdict(d, Mean("hbnn"), Mean("bnn"), Mean("float"), Mean("hbnn") >= Mean("bnn"));
        }).ToList();
        return new Result(points, summaries, verdicts);
    }

    public static List<ComparisonSummary> Summarize(IReadOnlyList<ComparisonPoint> points)
    {
        int lastEpoch = points.Max(p => p.Epoch);
        return points.Where(p => p.Epoch == lastEpoch)
            .GroupBy(p => (p.Dataset, p.Mode))
            .Select(g =>
            {
                var accuracies = g.Select(p => p.TestAccuracy).ToList();
                double mean = accuracies.Average();
                double std = accuracies.Count > 1 ? Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1)) : 0;
                return new ComparisonSummary(g.Key.Dataset, g.Key.Mode, accuracies.Count, mean, std, accuracies.Min(), accuracies.Max());
            })
            .ToList();
    }
}
