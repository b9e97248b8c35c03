using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;

namespace HwFlow.Training.Experiments;

/// <summary>One network of the comparison: a dense MLP or one with a Walsh-Hadamard transform first layer.</summary>
public sealed record WhtNetwork(string Name, string Arch, TrainingMode Mode, FirstLayerWeights? FirstLayer = null, TransformFront? Transform = null)
{
    public bool HasTransform => FirstLayer == FirstLayerWeights.WalshHadamard;

    public string Description => $"{Architecture.ModeName(Mode)} {Arch}" + (FirstLayer switch
    {
        FirstLayerWeights.WalshHadamard => $", transform first x{(Transform ?? TransformFront.Default).Stack}"
            + ((Transform ?? TransformFront.Default).Diagonal is var d && d != TransformDiagonal.None ? $" ({TransformFront.Name(d)} diagonal)" : ""),
        FirstLayerWeights.Binary => ", binary first layer",
        _ => "",
    });

    public TrainingOptions Options(TrainingOptions budget, ulong seed) =>
        budget with { Architecture = Architecture.Parse(Arch), Mode = Mode, FirstLayer = FirstLayer, Transform = Transform, Seed = seed };
}

/// <summary>What the hardware of one trained model would cost (estimated) and what its integer graph computes.</summary>
public sealed record HardwareCost(long Luts, long Ffs, long BramBits, long CyclesPerFrame, double FramesPerSecond, long DeployedBits,
    double IntegerAccuracy, string Realization);

/// <summary>One trained model: its accuracy (float reference, integer graph), size and estimated hardware.</summary>
public sealed record WhtRun(string Network, ulong Seed, int Epochs, double TestAccuracy, double IntegerAccuracy, double Seconds,
    long Parameters, long BinaryBits, HardwareCost Hardware);

/// <summary>One network over its seeds: means (and the accuracy's spread), sizes and the hardware estimate.</summary>
public sealed record WhtSummary(string Network, string Description, bool Transform, int Seeds, double MeanTestAccuracy, double StdTestAccuracy,
    double MinTestAccuracy, double MaxTestAccuracy, double MeanIntegerAccuracy, long Parameters, long BinaryBits, long DeployedBits,
    double Luts, double BramBits, double FramesPerSecond);

/// <summary>
/// The claim put to the test: the best transform network against the reference dense HBNN MLP.
/// AccuracyGapPoints is the reference's mean accuracy minus the best's, in percentage points
/// (negative when the transform network is the more accurate one).
/// </summary>
public sealed record WhtVerdict(string Best, string Reference, double BestAccuracy, double ReferenceAccuracy, double AccuracyGapPoints,
    double LutRatio, double DeployedBitsRatio, bool NearDense, bool FractionOfHardware)
{
    /// <summary>"Near-dense": within this many points of the dense HBNN's mean test accuracy.</summary>
    public const double NearPoints = 1.0;

    /// <summary>"A fraction of the hardware": at most this share of its estimated LUTs.</summary>
    public const double FractionOfLuts = 0.25;
}

/// <summary>
/// Issue 16's comparison: networks whose first layer is a Walsh-Hadamard transform (random signs,
/// add/subtract butterflies, nothing learned but the thresholds after it) against the dense
/// BNN and HBNN MLPs of similar size, trained with the same budget (epochs, batch, learning
/// rate) on the same data, several seeds each: test accuracy of the float model and of the
/// integer graph, parameters and deployed bits, and estimated LUTs and frames/s.
/// </summary>
public static class WhtExperiment
{
    /// <summary>The dense HBNN MLP the claim is measured against (the shipped fmnist-hbnn-mlp's shape).</summary>
    public const string ReferenceNetwork = "hbnn-256-256";

    public static IReadOnlyList<WhtNetwork> DefaultNetworks { get; } =
    [
        new(ReferenceNetwork, "784-256-256-10", TrainingMode.Hbnn),
        new("bnn-256-256", "784-256-256-10", TrainingMode.Bnn),
        new("hbnn-64-64-bin1", "784-64-64-10", TrainingMode.Hbnn, FirstLayerWeights.Binary),
        new("wht1024", "784-1024-10", TrainingMode.Bnn, FirstLayerWeights.WalshHadamard),
        new("wht1024-64", "784-1024-64-10", TrainingMode.Bnn, FirstLayerWeights.WalshHadamard),
        new("wht1024-256", "784-1024-256-10", TrainingMode.Bnn, FirstLayerWeights.WalshHadamard),
        new("wht1024-512", "784-1024-512-10", TrainingMode.Bnn, FirstLayerWeights.WalshHadamard),
        new("wht1024x2p-256", "784-1024-256-10", TrainingMode.Bnn, FirstLayerWeights.WalshHadamard, new TransformFront(2, TransformDiagonal.Pow2)),
    ];

    public sealed record Options(TrainingOptions Budget, int Seeds, IReadOnlyList<WhtNetwork> Networks);

    public sealed record Result(IReadOnlyList<WhtRun> Runs, IReadOnlyList<ComparisonPoint> Epochs, IReadOnlyList<WhtSummary> Summaries, WhtVerdict? Verdict);

    /// <summary>The networks named in <paramref name="names"/> (all when empty), in the default order.</summary>
    public static IReadOnlyList<WhtNetwork> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0) return DefaultNetworks;
        var unknown = names.Where(n => DefaultNetworks.All(d => d.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new UserError($"--networks: unknown network '{unknown[0]}' (known: {string.Join(", ", DefaultNetworks.Select(d => d.Name))})");
        return [.. DefaultNetworks.Where(d => names.Contains(d.Name))];
    }

    /// <summary>
    /// Trains every network with seeds 1..Seeds. <paramref name="observe"/> runs one training with a
    /// progress observer; <paramref name="hardware"/> estimates a trained model's hardware and
    /// measures its integer graph on the test set; <paramref name="keep"/> receives every trained model
    /// (named network-seedN) to be written out.
    /// </summary>
    public static Result Run(Options options, Dataset train, Dataset test,
        Func<string, Func<ITrainingObserver, TrainingResult>, TrainingResult> observe,
        Func<ModelSpec, Dataset, HardwareCost> hardware, Action<ModelSpec> keep, CancellationToken cancel = default)
    {
        if (options.Seeds < 1) throw new UserError($"--seeds must be at least 1, got {options.Seeds}");
        foreach (var network in options.Networks)
        {
            var check = network.Options(options.Budget, 1);
            check.Validate();
            Trainer.CheckFits(check, train, test);
        }
        var runs = new List<WhtRun>();
        var epochs = new List<ComparisonPoint>();
        foreach (var network in options.Networks)
        {
            for (ulong seed = 1; seed <= (ulong)options.Seeds; seed++)
            {
                var training = network.Options(options.Budget, seed);
                var run = observe($"{network.Name} seed {seed}", observer => Trainer.Train(training, train, test, observer, cancel));
                cancel.ThrowIfCancellationRequested();
                var model = run.Network.Export($"{network.Name}-seed{seed}");
                keep(model);
                var summary = ModelSummary.Of(model);
                var cost = hardware(model, test);
                runs.Add(new WhtRun(network.Name, seed, training.Epochs, run.Epochs[^1].TestAccuracy, cost.IntegerAccuracy, run.Seconds,
                    summary.Parameters, summary.BinaryBits, cost));
                epochs.AddRange(run.Epochs.Select(e => new ComparisonPoint(test.Name, network.Name, seed, e.Epoch, e.Loss, e.TrainAccuracy,
                    e.TestAccuracy, e.Seconds)));
            }
        }
        var summaries = Summarize(options.Networks, runs);
        return new Result(runs, epochs, summaries, Verdict(summaries));
    }

    public static List<WhtSummary> Summarize(IReadOnlyList<WhtNetwork> networks, IReadOnlyList<WhtRun> runs) =>
        [.. networks.Select(network =>
        {
            var own = runs.Where(r => r.Network == network.Name).ToList();
            var accuracies = own.Select(r => r.TestAccuracy).ToList();
            double mean = accuracies.Average();
            double std = accuracies.Count > 1 ? Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1)) : 0;
            return new WhtSummary(network.Name, network.Description, network.HasTransform, own.Count, mean, std, accuracies.Min(), accuracies.Max(),
                own.Average(r => r.IntegerAccuracy), own[0].Parameters, own[0].BinaryBits, (long)Math.Round(own.Average(r => (double)r.Hardware.DeployedBits)),
                own.Average(r => (double)r.Hardware.Luts), own.Average(r => (double)r.Hardware.BramBits), own.Average(r => r.Hardware.FramesPerSecond));
        })];

    /// <summary>The best transform network (highest mean test accuracy) against the reference, when both ran.</summary>
    public static WhtVerdict? Verdict(IReadOnlyList<WhtSummary> summaries)
    {
        var reference = summaries.FirstOrDefault(s => s.Network == ReferenceNetwork);
        var best = summaries.Where(s => s.Transform).MaxBy(s => s.MeanTestAccuracy);
        if (reference is null || best is null) return null;
        double gap = 100 * (reference.MeanTestAccuracy - best.MeanTestAccuracy);
        double lutRatio = best.Luts / reference.Luts;
        return new WhtVerdict(best.Network, reference.Network, best.MeanTestAccuracy, reference.MeanTestAccuracy, gap, lutRatio,
            (double)best.DeployedBits / reference.DeployedBits, gap <= WhtVerdict.NearPoints, lutRatio <= WhtVerdict.FractionOfLuts);
    }
}
