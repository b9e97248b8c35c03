using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Lowering;

/// <summary>
/// Random small convolutional models in the orders the trainer writes: HBNN (Conv2D, BatchNorm,
/// Ramp, MaxPool2D, BinConv2D ...) and BNN (+-1 Conv2D, BatchNorm, Sign, ...), with random
/// kernels, padding (so windows see padding), strides, pools that do not tile (floor / ceil)
/// and chunks that do not divide the receptive field.
/// </summary>
public static class RandomConvModels
{
    /// <param name="pixelChunks">
    /// Chunks inside one pixel's channels, as the shipped examples have them (the packed engine's
    /// convolution blocks need that): the binAggression divides the first convolution's channels
    /// (some of them 16, 32, 48 or 64 wide), and a BNN's BinConv2D takes its input channels as its
    /// binAggression, as the trainer writes it.
    /// </param>
    public static ModelSpec Create(ulong seed, bool pixelChunks = false)
    {
        var rng = new SplitMix64(seed);
        int height = 4 + rng.NextInt(5), width = 4 + rng.NextInt(5), channels = 1 + rng.NextInt(2);
        int chunk = 1 + rng.NextInt(9);
        bool bnn = rng.NextInt(3) == 0;
        var shape = new[] { height, width, channels };
        var layers = new List<Layer>();
        int c1 = 2 + rng.NextInt(4), c2 = 2 + rng.NextInt(4), classes = 2 + rng.NextInt(5);
        if (pixelChunks)
        {
            c1 = new[] { 2, 3, 4, 6, 16, 32, 48, 64 }[rng.NextInt(8)];
            var divisors = Enumerable.Range(1, c1).Where(d => c1 % d == 0).ToArray();
            chunk = divisors[rng.NextInt(divisors.Length)];
        }

        var first = new Conv2D(bnn ? RandomModels.Signs(rng, Kernel(rng), Kernel(rng), channels, c1) : RandomModels.Gaussian(rng, 0.3, Kernel(rng), Kernel(rng), channels, c1),
            bnn ? null : RandomModels.Gaussian(rng, 0.3, c1), Stride: 1 + rng.NextInt(2), Padding: rng.NextInt(2));
        Add(layers, ref shape, first);
        Activation(rng, layers, ref shape, bnn, norm: bnn || rng.NextInt(2) == 0);
        Pool(rng, layers, ref shape);
        var second = new BinConv2D(RandomModels.Gaussian(rng, 1, Kernel(rng, shape), Kernel(rng, shape), shape[2], c2), Stride: 1 + rng.NextInt(2), Padding: rng.NextInt(2));
        if (pixelChunks && bnn) second = second with { BinAggression = shape[2] };
        Add(layers, ref shape, second);
        Activation(rng, layers, ref shape, bnn, norm: bnn || rng.NextInt(2) == 0);
        if (shape[0] >= 2 && shape[1] >= 2) Pool(rng, layers, ref shape);
        Add(layers, ref shape, new Flatten());
        Add(layers, ref shape, new BinLayer(RandomModels.Gaussian(rng, 1, shape[0], classes)));
        if (rng.NextInt(2) == 0) layers.Add(RandomModels.Norm(rng, classes));
        var output = rng.NextInt(4) == 0 ? OutputKind.Scores : OutputKind.Class;
        return new ModelSpec($"random-conv-{seed}", new InputSpec([height, width, channels], "uint8", 1.0 / 255), chunk, layers, output);
    }

    private static int Kernel(SplitMix64 rng) => 1 + rng.NextInt(3);

    /// <summary>A kernel size that fits the input with no padding.</summary>
    private static int Kernel(SplitMix64 rng, int[] shape) => 1 + rng.NextInt(Math.Min(3, Math.Min(shape[0], shape[1])));

    private static void Activation(SplitMix64 rng, List<Layer> layers, ref int[] shape, bool bnn, bool norm)
    {
        if (norm) layers.Add(RandomModels.Norm(rng, shape[2], meanScale: bnn ? 2 : 1));
        if (bnn) layers.Add(new Sign());
        else if (rng.NextInt(3) == 0) { layers.Add(new Ramp()); layers.Add(new Sign()); }
        else layers.Add(new Ramp());
    }

    private static void Pool(SplitMix64 rng, List<Layer> layers, ref int[] shape)
    {
        if (rng.NextInt(3) == 0 || shape[0] < 2 || shape[1] < 2) return;
        var edge = rng.NextInt(2) == 0 ? PoolEdge.Floor : PoolEdge.Ceil;
        Add(layers, ref shape, new MaxPool2D(2, 1 + rng.NextInt(2), edge));
    }

    private static void Add(List<Layer> layers, ref int[] shape, Layer layer)
    {
        layers.Add(layer);
        shape = layer.OutputShape(shape);
    }
}
