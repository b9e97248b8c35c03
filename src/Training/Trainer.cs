using System.Diagnostics;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Training.Native;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Training;

/// <summary>A finished run: the network (with population statistics) and the per-epoch log.</summary>
public sealed record TrainingResult(TrainingNetwork Network, IReadOnlyList<EpochRecord> Epochs, double Seconds);

/// <summary>
/// Mini-batch training with Adam and softmax cross-entropy. Each epoch visits the training set
/// in a SplitMix64 permutation; an epoch's last batch is smaller when the batch size does not
/// divide the set (and is skipped when it would hold a single image, which BatchNorm cannot
/// normalize). After each epoch the BatchNorm population statistics are recomputed over the
/// whole training set and the test set is classified with them: the test accuracy logged for
/// the last epoch is the saved model's.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// OpenBLAS threads for the large GEMMs (a convolution's) unless told otherwise; smaller ones
    /// run on one (<see cref="Gemm"/>). A fixed count, not the machine's cores, so that the trained
    /// bytes do not depend on the machine; see BENCHMARKS.md (session 13).
    /// </summary>
    public const int DefaultBlasThreads = 2;

    private const ulong ShuffleStream = 0x5EED_0F_5A1F_1E5UL;
    private const ulong AugmentStream = 0xA0_6E_E7_5A1F_7UL;

    public static void CheckFits(TrainingOptions options, Dataset train, Dataset test)
    {
        var architecture = options.Architecture;
        foreach (var data in new[] { train, test })
        {
            if (data.Features != architecture.Inputs)
                throw new UserError($"--arch {architecture} takes {architecture.Inputs} inputs, but dataset {data.Name} has {data.Rows}x{data.Columns} = {data.Features} pixels per image");
            if (data.ClassCount > architecture.Classes)
                throw new UserError($"--arch {architecture} has {architecture.Classes} classes, but dataset {data.Name} has labels up to {data.ClassCount - 1}");
        }
        if (options.Shift >= Math.Min(train.Rows, train.Columns))
            throw new UserError($"--shift {options.Shift} moves {train.Rows}x{train.Columns} images entirely out of view (use less than {Math.Min(train.Rows, train.Columns)})");
        if (train.Count < 2) throw new UserError($"dataset {train.Name} has {train.Count} image(s); training needs at least 2");
        if (options.Validation > 0 && train.Count - options.Validation < 2)
            throw new UserError($"--validation {options.Validation} leaves {train.Count - options.Validation} of the {train.Count} training images to train on; training needs at least 2");
    }

    /// <summary>
    /// The images a run trains on and the ones it holds out for validation (--validation N: the
    /// last N of the training set, never the test set, so that choices made on them do not see it).
    /// </summary>
    public static (Dataset Train, Dataset? Validation) SplitValidation(Dataset train, int validation)
    {
        if (validation <= 0) return (train, null);
        int kept = train.Count - validation;
        return (train.Take(kept), train.Select(Enumerable.Range(kept, validation).ToList(), train.Name + " (validation)"));
    }

    public static TrainingResult Train(TrainingOptions options, Dataset train, Dataset test,
        ITrainingObserver? observer = null, CancellationToken cancel = default, int blasThreads = DefaultBlasThreads)
    {
        options.Validate();
        CheckFits(options, train, test);
        if (blasThreads < 1) throw new UserError($"--blas-threads must be at least 1, got {blasThreads}");
        OpenBlas.PreferSleepingWorkers();
        OpenBlas.EnsureAvailable();
        lock (OpenBlas.ThreadCountGate) // a second training in this process waits rather than change the count under this one
        {
            int previousThreads = OpenBlas.Threads;
            Gemm.LargeThreads = blasThreads;
            try
            {
                return Run(options, train, test, observer, cancel);
            }
            finally
            {
                Gemm.LargeThreads = null;
                OpenBlas.Threads = previousThreads;
            }
        }
    }

    private static TrainingResult Run(TrainingOptions options, Dataset all, Dataset test, ITrainingObserver? observer, CancellationToken cancel)
    {
        var (train, validation) = SplitValidation(all, options.Validation);
        var network = NetworkBuilder.Build(options.Architecture, options.Mode, options.BinAggression, options.Scales, options.Seed,
            options.ResolvedFirstLayer, options.ResolvedTransform);
        var optimizer = new AdamOptimizer(network.Parameters);
        var shuffle = new SplitMix64(options.Seed ^ ShuffleStream);
        var augment = new SplitMix64(options.Seed ^ AugmentStream);
        int batch = Math.Min(options.BatchSize, train.Count);
        int features = network.Inputs, classes = network.Classes;
        int batches = (train.Count / batch) + (train.Count % batch >= 2 ? 1 : 0);
        long totalSteps = (long)batches * options.Epochs;
        var raw = new byte[batch * features];
        var labels = new byte[batch];
        var input = new float[batch * features];
        var gradient = new float[batch * classes];
        var log = new List<EpochRecord>();
        var total = Stopwatch.StartNew();
        long step = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            observer?.EpochStarted(epoch, options.Epochs, batches);
            var order = shuffle.Permutation(train.Count);
            double lossSum = 0;
            int correct = 0, seen = 0;
            double rate = 0;
            for (int b = 0; b < batches; b++)
            {
                cancel.ThrowIfCancellationRequested();
                int rows = Math.Min(batch, train.Count - (b * batch));
                for (int r = 0; r < rows; r++)
                {
                    int index = order[(b * batch) + r];
                    var target = raw.AsSpan(r * features, features);
                    if (options.Shift == 0)
                    {
                        train.Image(index).CopyTo(target);
                    }
                    else
                    {
                        int dx = augment.NextInt((2 * options.Shift) + 1) - options.Shift;
                        int dy = augment.NextInt((2 * options.Shift) + 1) - options.Shift;
                        ImageShift.Apply(train.Image(index), target, train.Rows, train.Columns, dx, dy);
                    }
                    if (options.Flip && augment.NextInt(2) == 1) ImageShift.Mirror(target, train.Rows, train.Columns);
                    labels[r] = train.Labels[index];
                }
                var x = rows == batch ? input : new float[rows * features];
                var g = rows == batch ? gradient : new float[rows * classes];
                network.ToReal(raw.AsSpan(0, rows * features), x);
                var logits = network.Forward(x, rows, training: true);
                var (loss, right) = SoftmaxCrossEntropy.Evaluate(logits, labels, rows, classes, g);
                network.Backward(g, rows);
                rate = options.RateAt(step++, totalSteps);
                optimizer.Step(rate);
                lossSum += loss * rows;
                correct += right;
                seen += rows;
                observer?.BatchCompleted(epoch, b + 1, lossSum / seen, (double)correct / seen);
            }
            double trainSeconds = watch.Elapsed.TotalSeconds;
            PopulationStatistics.Compute(network, train.Images, options.PopulationImages(train.Count), cancel);
            double? validationAccuracy = validation is null ? null : Accuracy(network, validation);
            double testAccuracy = Accuracy(network, test);
            var record = new EpochRecord(epoch, lossSum / seen, (double)correct / seen, testAccuracy, rate, trainSeconds, watch.Elapsed.TotalSeconds,
                validationAccuracy);
            log.Add(record);
            observer?.EpochCompleted(record);
        }
        return new TrainingResult(network, log, total.Elapsed.TotalSeconds);
    }

    /// <summary>Accuracy of the network in evaluation mode on a dataset.</summary>
    public static double Accuracy(TrainingNetwork network, Dataset data)
    {
        var predicted = network.Classify(data.Images, data.Count);
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (predicted[i] == data.Labels[i]) correct++;
        }
        return (double)correct / data.Count;
    }
}
