using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Model;

/// <summary>Small models for tests, with seeded random weights.</summary>
public static class SampleModels
{
    public static Tensor Gaussian(SplitMix64 rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)rng.NextGaussian();
        return t;
    }

    /// <summary>8 -> 6 -> 5 -> 3 in the seed's layer order, with every layer type present.</summary>
    public static ModelSpec SeedStyle(ulong seed = 7)
    {
        var rng = new SplitMix64(seed);
        var ones = new Tensor([6], [1, 1, 1, 1, 1, 1]);
        return new ModelSpec("sample", new InputSpec([8], "uint8", 1.0 / 255), 4,
        [
            new LinearLayer(Gaussian(rng, 8, 6), Gaussian(rng, 6)),
            new BatchNorm(Gaussian(rng, 6), ones, Gaussian(rng, 6), Gaussian(rng, 6), 1e-4),
            new Ramp(),
            new BinarizeLayer(),
            new BinLayer(Gaussian(rng, 6, 5)),
            new HardTanh(),
            new Sign(),
            new BinLayer(Gaussian(rng, 5, 3)) { BinAggression = 2 },
            new Sigmoid(),
        ], OutputKind.Class);
    }

    /// <summary>A [6, 6, 1] image through Conv2D (padding 1), Ramp, MaxPool2D, BinConv2D, Flatten and a BinLayer to 3 classes.</summary>
    public static ModelSpec SmallConv(ulong seed = 7)
    {
        var rng = new SplitMix64(seed);
        return new ModelSpec("conv", new InputSpec([6, 6, 1], "uint8", 1.0 / 255), 4,
        [
            new Conv2D(Gaussian(rng, 3, 3, 1, 4), Gaussian(rng, 4), Stride: 1, Padding: 1),
            new Ramp(),
            new MaxPool2D(2, 2),
            new BinConv2D(Gaussian(rng, 3, 3, 4, 5)),
            new Flatten(),
            new BinLayer(Gaussian(rng, 5, 3)),
        ], OutputKind.Class);
    }
}
