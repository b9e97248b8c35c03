using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

/// <summary>The Walsh-Hadamard transform layer in training: its gradient, its place in the network, and what it saves.</summary>
public sealed class WalshHadamardTrainingTests : IDisposable
{
    private static readonly Lazy<Dataset> FashionTrain = new(() => DatasetCatalog.Load("fashion-mnist", DataSplit.Train).Take(3000));
    private static readonly Lazy<Dataset> FashionTest = new(() => DatasetCatalog.Load("fashion-mnist", DataSplit.Test).Take(2000));
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(5, 8, TransformDiagonal.None)]
    [InlineData(8, 8, TransformDiagonal.Real)]
    [InlineData(13, 32, TransformDiagonal.Real)]
    public void TheGradientOfTheTransformIsTheTransform(int inputs, int size, TransformDiagonal diagonal)
    {
        var rng = new SplitMix64((ulong)size);
        var layer = new WalshHadamardTrainLayer(inputs, size, seed: 4, shift: 2, diagonal);
        foreach (var p in layer.Parameters) GradientCheckTests.Fill(p.Value, rng);
        GradientCheckTests.CheckLayer(layer, rows: 3, rng);
    }

    [Theory]
    [InlineData(TransformDiagonal.Sign)]
    [InlineData(TransformDiagonal.Pow2)]
    public void AQuantizedDiagonalPassesItsGradientStraightThrough(TransformDiagonal diagonal)
    {
        // d loss / d g_effective, handed to the latent g unchanged: equal to the Real diagonal's gradient at g = g_effective
        var quantized = new WalshHadamardTrainLayer(6, 8, seed: 2, shift: 1, diagonal);
        var real = new WalshHadamardTrainLayer(6, 8, seed: 2, shift: 1, TransformDiagonal.Real);
        var rng = new SplitMix64(3);
        GradientCheckTests.Fill(quantized.Parameters[0].Value, rng);
        var effective = ((Runtime.Model.WalshHadamard)quantized.Export()).Scale!.Data;
        Assert.All(effective, g => Assert.True(diagonal == TransformDiagonal.Sign ? g is 1f or -1f : Math.Abs(g) == MathF.ScaleB(1f, Math.ILogB(g))));
        effective.CopyTo(real.Parameters[0].Value, 0);
        var x = new float[4 * 6];
        var dy = new float[4 * 8];
        GradientCheckTests.Fill(x, rng);
        GradientCheckTests.Fill(dy, rng);
        Assert.Equal(real.Forward(x, 4, training: true), quantized.Forward(x, 4, training: true));
        Assert.Equal(real.Backward(dy, 4, needInputGradient: true), quantized.Backward(dy, 4, needInputGradient: true));
        Assert.Equal(real.Parameters[0].Gradient, quantized.Parameters[0].Gradient);
    }

    [Fact]
    public void StackedTransformsWithADiagonalEndToEnd()
    {
        // D H g D H -> BatchNorm -> Ramp -> BinarizeLayer -> BinLayer -> BatchNorm, through the loss
        var network = NetworkBuilder.Build(Architecture.Parse("6-8-3"), TrainingMode.Float, 4, ScaleMode.Exact, seed: 5,
            FirstLayerWeights.WalshHadamard, new TransformFront(2, TransformDiagonal.Real));
        Assert.Equal(2, network.Layers.Count(l => l is WalshHadamardTrainLayer));
        var rng = new SplitMix64(6);
        foreach (var p in network.Parameters.Where(p => p.Name == "scale")) GradientCheckTests.Fill(p.Value, rng);
        int rows = 5;
        var x = new float[rows * 6];
        GradientCheckTests.Fill(x, rng);
        byte[] labels = [0, 1, 2, 1, 0];
        double Loss() => SoftmaxCrossEntropy.Evaluate(network.Forward(x, rows, training: true), labels, rows, 3, new float[rows * 3]).Loss;
        Loss();
        var g = new float[rows * 3];
        SoftmaxCrossEntropy.Evaluate(network.Forward(x, rows, training: true), labels, rows, 3, g);
        network.Backward(g, rows);
        var scale = network.Parameters.Single(p => p.Name == "scale");
        var analytic = (float[])scale.Gradient.Clone();
        double largest = analytic.Max(Math.Abs) + 1e-3;
        for (int i = 0; i < scale.Value.Length; i++)
        {
            double numeric = GradientCheckTests.Central(scale.Value, i, Loss, 1e-3f);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 0.05 * largest, $"scale[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    [Theory]
    [InlineData(TrainingMode.Bnn, 1, TransformDiagonal.None)]
    [InlineData(TrainingMode.Hbnn, 1, TransformDiagonal.None)]
    [InlineData(TrainingMode.Bnn, 2, TransformDiagonal.Pow2)]
    public void TheSavedModelAgreesWithTheTrainingForwardPass(TrainingMode mode, int stack, TransformDiagonal diagonal)
    {
        var options = new TrainingOptions(Architecture.Parse("784-1024-32-10"), mode, Epochs: 2, Seed: 3,
            FirstLayer: FirstLayerWeights.WalshHadamard, Transform: new TransformFront(stack, diagonal));
        var run = Trainer.Train(options, FashionTrain.Value, FashionTest.Value);
        var test = FashionTest.Value;
        var ours = run.Network.Classify(test.Images, test.Count);
        var folder = _dir.File($"{mode}-{stack}");
        ModelWriter.Write(run.Network.Export("agreement"), folder, force: false);
        var saved = ModelLoader.Load(folder);
        var transforms = saved.Layers.OfType<WalshHadamard>().ToList();
        Assert.Equal(stack, transforms.Count);
        Assert.All(transforms, t => Assert.Equal((1024, 5), (t.Size, t.Shift)));
        Assert.Equal(transforms.Count, transforms.Select(t => t.Seed).Distinct().Count());
        Assert.Equal(diagonal != TransformDiagonal.None, transforms[0].Scale is not null);
        Assert.Null(transforms[^1].Scale);
        var reference = new FloatEvaluator(saved).Classify(test.Images, test.Count);
        double agreement = ours.Where((c, i) => c == reference[i]).Count() / (double)test.Count;
        Assert.True(agreement >= 0.995, $"{mode} x{stack}: the evaluator agrees on {agreement:P2} of {test.Count} images");
        double accuracy = reference.Where((c, i) => c == test.Labels[i]).Count() / (double)test.Count;
        Assert.True(accuracy > 0.6, $"{mode} x{stack}: test accuracy {accuracy:P1} after 2 epochs on 3,000 images");
    }

    [Fact]
    public void SameSeedSameBytes()
    {
        var train = FashionTrain.Value.Take(600);
        var test = FashionTest.Value.Take(100);
        string Save(string name)
        {
            var options = new TrainingOptions(Architecture.Parse("784-1024-10"), TrainingMode.Bnn, Epochs: 1, Seed: 9,
                FirstLayer: FirstLayerWeights.WalshHadamard, Transform: new TransformFront(2, TransformDiagonal.Real));
            var folder = _dir.File(name);
            ModelWriter.Write(Trainer.Train(options, train, test).Network.Export("determinism"), folder, force: false);
            return folder;
        }
        var first = Save("a");
        var second = Save("b");
        foreach (var file in Directory.GetFiles(first))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(second, Path.GetFileName(file))));
    }

    [Theory]
    [InlineData("784-1000-10", 1, TransformDiagonal.None, "the first hidden width of --arch 784-1000-10 is the transform's size and must be a power of two of at least the 784 inputs (e.g. 784-1024-...), got 1000")]
    [InlineData("784-512-10", 1, TransformDiagonal.None, "must be a power of two of at least the 784 inputs")]
    [InlineData("784-2048-10", 1, TransformDiagonal.None, "one transform of 784 inputs zero-padded to 2048 repeats its first 1024 outputs")]
    [InlineData("784-1024-10", 1, TransformDiagonal.Pow2, "--wht-diagonal pow2 sits between stacked transforms and needs --wht-stack 2 or more")]
    [InlineData("784-1024-10", 9, TransformDiagonal.None, "--wht-stack must be between 1 and 8, got 9")]
    public void RefusesTransformFrontsThatCannotBeBuilt(string arch, int stack, TransformDiagonal diagonal, string message)
    {
        var options = new TrainingOptions(Architecture.Parse(arch), TrainingMode.Bnn, FirstLayer: FirstLayerWeights.WalshHadamard,
            Transform: new TransformFront(stack, diagonal));
        Assert.Contains(message, Assert.Throws<UserError>(options.Validate).Message);
    }

    [Fact]
    public void TransformOptionsNeedATransformFirstLayer()
    {
        var options = new TrainingOptions(Architecture.Parse("784-64-10"), TrainingMode.Hbnn, Transform: new TransformFront(2));
        Assert.Equal("--wht-stack and --wht-diagonal apply to --first-layer wht only", Assert.Throws<UserError>(options.Validate).Message);
        Assert.Equal(FirstLayerWeights.WalshHadamard, FirstLayerChoice.Parse("wht"));
        Assert.Equal("wht", FirstLayerChoice.Name(FirstLayerWeights.WalshHadamard));
    }
}
