using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Hardware;

/// <summary>Tiny hand-sized models whose generated hardware is small enough to keep as golden text.</summary>
public static class SmallDesigns
{
    /// <summary>BNN 6 -> 4 -> 3: +-1 first layer, BatchNorm + Sign thresholds, XNOR layer, BatchNorm output.</summary>
    public static ModelSpec Bnn() => Bnn(6, 4, 3);

    /// <summary>The same BNN shape at other sizes (one chunk over the hidden layer).</summary>
    public static ModelSpec Bnn(int inputs, int hidden, int classes)
    {
        var rng = new SplitMix64(3);
        Tensor Signs(int i, int o) => new([i, o], Enumerable.Range(0, i * o).Select(_ => rng.NextInt(2) == 0 ? -1f : 1f).ToArray());
        Tensor Vector(int n, float scale) => new([n], Enumerable.Range(0, n).Select(_ => (float)(rng.NextGaussian() * scale)).ToArray());
        Tensor Ones(int n) => new([n], Enumerable.Repeat(1f, n).ToArray());
        return new ModelSpec("small-bnn", new InputSpec([inputs], "uint8", 1.0 / 255), hidden,
        [
            new LinearLayer(Signs(inputs, hidden)),
            new BatchNorm(Vector(hidden, 0.5f), Ones(hidden), Vector(hidden, 1), Vector(hidden, 0.5f), 1e-4),
            new Sign(),
            new BinLayer(Signs(hidden, classes)),
            new BatchNorm(Vector(classes, 1), Ones(classes), Vector(classes, 1), Vector(classes, 0.5f), 1e-4),
        ], OutputKind.Class);
    }

    /// <summary>BNN 6 -> 4 -> 4 -> 3: as <see cref="Bnn()"/> with a hidden XNOR layer decided by BatchNorm + Sign thresholds (fully parallel in the golden).</summary>
    public static ModelSpec ThresholdBnn()
    {
        var rng = new SplitMix64(5);
        Tensor Signs(int i, int o) => new([i, o], Enumerable.Range(0, i * o).Select(_ => rng.NextInt(2) == 0 ? -1f : 1f).ToArray());
        Tensor Vector(int n, float scale) => new([n], Enumerable.Range(0, n).Select(_ => (float)(rng.NextGaussian() * scale)).ToArray());
        Tensor Ones(int n) => new([n], Enumerable.Repeat(1f, n).ToArray());
        return new ModelSpec("small-threshold-bnn", new InputSpec([6], "uint8", 1.0 / 255), 4,
        [
            new LinearLayer(Signs(6, 4)),
            new BatchNorm(Vector(4, 0.5f), Ones(4), Vector(4, 1), Vector(4, 0.5f), 1e-4),
            new Sign(),
            new BinLayer(Signs(4, 4)),
            new BatchNorm(Vector(4, 1), Ones(4), Vector(4, 1), Vector(4, 0.5f), 1e-4),
            new Sign(),
            new BinLayer(Signs(4, 3)),
            new BatchNorm(Vector(3, 1), Ones(3), Vector(3, 1), Vector(3, 0.5f), 1e-4),
        ], OutputKind.Class);
    }

    /// <summary>HBNN 6 -> 4 -> 3 in the seed's order, chunks of 2.</summary>
    public static ModelSpec Hbnn() => Hbnn(4, 2);

    /// <summary>The same HBNN shape with <paramref name="hidden"/> units in chunks of <paramref name="chunk"/>.</summary>
    public static ModelSpec Hbnn(int hidden, int chunk)
    {
        var rng = new SplitMix64(4);
        Tensor Gaussian(params int[] shape) => Lowering.RandomModels.Gaussian(rng, 1, shape);
        return new ModelSpec("small-hbnn", new InputSpec([6], "uint8", 1.0 / 255), chunk,
            [new LinearLayer(Gaussian(6, hidden), Gaussian(hidden)), new Ramp(), new BinarizeLayer(), new BinLayer(Gaussian(hidden, 3)), new Sigmoid()],
            OutputKind.Class);
    }

    public static HardwareDesign Generate(ModelSpec model, params (int Pe, int Simd)[] folding)
    {
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        var plan = new FoldingPlan(shapes.Select((s, i) => new LayerFolding(s.Name, folding[i].Pe, folding[i].Simd)).ToList());
        return HardwareGenerator.Generate(graph, plan);
    }
}
