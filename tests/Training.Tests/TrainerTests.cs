using HwFlow.Runtime.Data;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

public sealed class TrainerTests : IDisposable
{
    private static readonly Lazy<Dataset> FashionTrain = new(() => DatasetCatalog.Load("fashion-mnist", DataSplit.Train).Take(3000));
    private static readonly Lazy<Dataset> FashionTest = new(() => DatasetCatalog.Load("fashion-mnist", DataSplit.Test).Take(2000));
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ATinyHbnnOverfitsASmallSubset()
    {
        var train = FashionTrain.Value.Take(200);
        var options = new TrainingOptions(Architecture.Parse("784-64-32-10"), TrainingMode.Hbnn, BinAggression: 8, Epochs: 40,
            BatchSize: 20, LearningRate: 0.01, Seed: 5);
        var run = Trainer.Train(options, train, FashionTest.Value.Take(100));
        var model = run.Network.Export("overfit");
        var predicted = new FloatEvaluator(model).Classify(train.Images, train.Count);
        double accuracy = predicted.Where((p, i) => p == train.Labels[i]).Count() / (double)train.Count;
        Assert.True(accuracy >= 0.95, $"training accuracy {accuracy:P1} after 40 epochs on 200 images");
        Assert.True(run.Epochs[^1].Loss < run.Epochs[0].Loss / 3, $"loss {run.Epochs[0].Loss} -> {run.Epochs[^1].Loss}");
    }

    [Theory]
    [InlineData(TrainingMode.Hbnn, ScaleMode.Exact, FirstLayerWeights.Float)]
    [InlineData(TrainingMode.Hbnn, ScaleMode.Pow2, FirstLayerWeights.Float)]
    [InlineData(TrainingMode.Hbnn, ScaleMode.Exact, FirstLayerWeights.Binary)]
    [InlineData(TrainingMode.Bnn, ScaleMode.Exact, FirstLayerWeights.Binary)]
    [InlineData(TrainingMode.Float, ScaleMode.Exact, FirstLayerWeights.Float)]
    public void TheSavedModelAgreesWithTheTrainingForwardPass(TrainingMode mode, ScaleMode scales, FirstLayerWeights first)
    {
        var options = new TrainingOptions(Architecture.Parse("784-64-48-10"), mode, BinAggression: 16, Scales: scales, Epochs: 2, Seed: 3,
            FirstLayer: first);
        var run = Trainer.Train(options, FashionTrain.Value, FashionTest.Value);
        var test = FashionTest.Value;
        var ours = run.Network.Classify(test.Images, test.Count);
        var folder = _dir.File($"{mode}-{scales}-{first}");
        ModelWriter.Write(run.Network.Export("agreement"), folder, force: false);
        var saved = ModelLoader.Load(folder);
        var linear = (LinearLayer)saved.Layers[0];
        Assert.Equal(first == FirstLayerWeights.Float, linear.Bias is not null);
        if (first == FirstLayerWeights.Binary)
            Assert.All(linear.Weights.Data, w => Assert.True(w is 1f or -1f, $"{mode}: saved first-layer weight {w}"));
        else
            Assert.Contains(linear.Weights.Data, w => w is not (1f or -1f));
        var reference = new FloatEvaluator(saved).Classify(test.Images, test.Count);
        double agreement = ours.Where((c, i) => c == reference[i]).Count() / (double)test.Count;
        Assert.True(agreement >= 0.995, $"{mode}/{scales}/{first}: the evaluator agrees on {agreement:P2} of {test.Count} images");
        double accuracy = reference.Where((c, i) => c == test.Labels[i]).Count() / (double)test.Count;
        Assert.Equal(run.Epochs[^1].TestAccuracy, accuracy, 0.005);
        Assert.True(accuracy > 0.6, $"{mode}: test accuracy {accuracy:P1} after 2 epochs on 3,000 images");
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherBytes()
    {
        var train = FashionTrain.Value.Take(1500);
        var test = FashionTest.Value.Take(300);
        string Save(ulong seed, string name)
        {
            var options = new TrainingOptions(Architecture.Parse("784-40-24-10"), TrainingMode.Hbnn, Epochs: 2, BatchSize: 64, Seed: seed);
            var folder = _dir.File(name);
            ModelWriter.Write(Trainer.Train(options, train, test).Network.Export("determinism"), folder, force: false);
            return folder;
        }
        var first = Save(11, "a");
        var second = Save(11, "b");
        var other = Save(12, "c");
        var files = Directory.GetFiles(first).Select(Path.GetFileName).Order().ToList();
        Assert.Contains("w0.npy", files);
        foreach (var file in files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, file!)), File.ReadAllBytes(Path.Combine(second, file!)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "w0.npy")), File.ReadAllBytes(Path.Combine(other, "w0.npy")));
    }

    [Fact]
    public void PopulationStatisticsAreTheStatisticsOfTheSavedModelsOwnActivations()
    {
        var train = FashionTrain.Value.Take(800);
        var options = new TrainingOptions(Architecture.Parse("784-24-16-10"), TrainingMode.Hbnn, BinAggression: 8, Epochs: 1, Seed: 4);
        var model = Trainer.Train(options, train, FashionTest.Value.Take(100)).Network.Export("stats");
        var activations = new FloatEvaluator(model).EvaluateAll(Matrix.FromBytes(train.Images, train.Count, 784, model.Input.Scale));
        int checkedNorms = 0;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is not BatchNorm norm) continue;
            var input = activations[i];
            for (int j = 0; j < norm.Features; j++)
            {
                double mean = Enumerable.Range(0, input.Rows).Average(r => input[r, j]);
                double variance = Enumerable.Range(0, input.Rows).Average(r => (input[r, j] - mean) * (input[r, j] - mean));
                Assert.Equal(mean, norm.Mean.Data[j], 1e-3 * (1 + Math.Abs(mean)));
                Assert.Equal(variance, norm.Var.Data[j], 2e-3 * (1 + variance));
            }
            checkedNorms++;
        }
        Assert.Equal(3, checkedNorms);
    }

    [Theory]
    [InlineData(TrainingMode.Hbnn, "LinearLayer BatchNorm Ramp BinarizeLayer BinLayer BatchNorm Ramp BinLayer BatchNorm Ramp BinLayer BatchNorm Sigmoid")]
    [InlineData(TrainingMode.Bnn, "LinearLayer BatchNorm Sign BinLayer BatchNorm Sign BinLayer BatchNorm Sign BinLayer BatchNorm")]
    [InlineData(TrainingMode.Float, "LinearLayer BatchNorm Ramp LinearLayer BatchNorm Ramp LinearLayer BatchNorm Ramp LinearLayer BatchNorm")]
    public void EachModeExportsTheStackTheCompilerLowers(TrainingMode mode, string types)
    {
        var network = NetworkBuilder.Build(Architecture.Parse("20-12-10-8-4"), mode, 4, ScaleMode.Exact, seed: 1);
        var model = network.Export("stack");
        Assert.Equal(types, string.Join(' ', model.Layers.Select(l => l.Type)));
        Assert.Equal(OutputKind.Class, model.Output);
        Assert.Equal(4, model.BinAggression);
        Assert.Equal([20, 12, 10, 8, 4], model.Layers.OfType<LinearLayer>().Select(l => l.Inputs)
            .Concat(model.Layers.OfType<BinLayer>().Select(l => l.Inputs)).Append(model.OutputFeatures));
        var linear = (LinearLayer)model.Layers[0];
        Assert.Equal(mode != TrainingMode.Bnn, linear.Bias is not null);
        if (mode == TrainingMode.Bnn)
        {
            foreach (var weights in model.Layers.OfType<LinearLayer>().Select(l => l.Weights).Concat(model.Layers.OfType<BinLayer>().Select(l => l.Weights)))
                Assert.All(weights.Data, w => Assert.True(w is 1f or -1f, $"BNN weight {w}"));
        }
    }

    [Fact]
    public void ABinaryFirstLayerKeepsTheHbnnStackWithSignWeightsAndNoBias()
    {
        var arch = Architecture.Parse("20-12-10-4");
        var network = NetworkBuilder.Build(arch, TrainingMode.Hbnn, 4, ScaleMode.Exact, seed: 1, FirstLayerWeights.Binary);
        var model = network.Export("binary-first");
        var floatFirst = NetworkBuilder.Build(arch, TrainingMode.Hbnn, 4, ScaleMode.Exact, seed: 1).Export("float-first");
        Assert.Equal("LinearLayer BatchNorm Ramp BinarizeLayer BinLayer BatchNorm Ramp BinLayer BatchNorm Sigmoid",
            string.Join(' ', model.Layers.Select(l => l.Type)));
        Assert.Equal(floatFirst.Layers.Select(l => l.Type), model.Layers.Select(l => l.Type));
        var linear = (LinearLayer)model.Layers[0];
        Assert.Null(linear.Bias);
        Assert.All(linear.Weights.Data, w => Assert.True(w is 1f or -1f, $"first-layer weight {w}"));
        // The deployed weights are the signs of the latent ones (s(0) = +1); the latent ones are clipped.
        var first = (DenseTrainLayer)network.Layers[0];
        Assert.Equal(WeightBinarization.Sign, first.Binarization);
        var latent = first.LatentWeights();
        Assert.Equal(latent.Select(w => w >= 0 ? 1f : -1f), linear.Weights.Data.ToArray());
        Assert.True(Assert.Single(first.Parameters).ClipToUnit);
        // The BinLayers after it are those of the float-first network built from the same seed.
        Assert.Equal(((BinLayer)floatFirst.Layers[4]).Weights.Data.ToArray(), ((BinLayer)model.Layers[4]).Weights.Data.ToArray());
    }

    [Fact]
    public void Pow2ModelsSaySo()
    {
        var model = NetworkBuilder.Build(Architecture.Parse("10-8-3"), TrainingMode.Hbnn, 4, ScaleMode.Pow2, seed: 1).Export("p");
        Assert.Equal(ScaleMode.Pow2, model.Scales);
    }

    // OpenBLAS's thread count is per process and a GEMM's bytes depend on it: a training started
    // while another runs used to restore its own "previous" count in the middle of the first one
    // (SameSeedSameBytesOtherSeedOtherBytes failed once so in a full test run).
    [Fact]
    public async Task A_second_training_in_the_process_waits_and_cannot_change_the_first_ones_blas_threads()
    {
        var train = FashionTrain.Value.Take(300);
        var test = FashionTest.Value.Take(50);
        var options = new TrainingOptions(Architecture.Parse("784-16-10"), TrainingMode.Hbnn, Epochs: 3, BatchSize: 64, Seed: 1);
        Task? second = null;
        using var secondStarted = new ManualResetEventSlim();
        var threadsSeen = new List<int>();
        var observer = new EpochHook(() =>
        {
            if (second is null)
            {
                second = Task.Run(() => Trainer.Train(options with { Epochs = 6 }, train, test, new EpochHook(() => { }, secondStarted.Set), blasThreads: 2));
                secondStarted.Wait(TimeSpan.FromMilliseconds(500)); // were it not held back, the second would now be training with its count
            }
            threadsSeen.Add(Gemm.LargeThreads ?? 0);
        });
        Trainer.Train(options, train, test, observer, blasThreads: 3);
        await second!;
        Assert.Equal([3, 3, 3], threadsSeen);
    }

    private sealed class EpochHook(Action completed, Action? started = null) : ITrainingObserver
    {
        public void EpochStarted(int epoch, int epochs, int batches) => started?.Invoke();

        public void BatchCompleted(int epoch, int batch, double loss, double accuracy) { }

        public void EpochCompleted(EpochRecord record) => completed();
    }
}
