using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Tests.Lowering;

/// <summary>
/// Random small convolutional models of the shapes the conv hardware builds: HBNN (unipolar
/// activations after Ramp, or Ramp then Sign) and BNN (+-1 everywhere), random kernels (not
/// always square), padding 0..2 (so windows reach padding, of either encoding), strides 1..2,
/// max-pools of size = stride 2 or 3 that may drop a row or column (floor), chunks that divide
/// a pixel's channels or span several pixels, class output.
/// </summary>
public static class RandomConvHardwareModels
{
    public static ModelSpec Create(ulong seed)
    {
        var rng = new SplitMix64(seed);
        int height = 5 + rng.NextInt(5), width = 5 + rng.NextInt(5), channels = 1 + rng.NextInt(2);
        bool bnn = rng.NextInt(3) == 0;
        int c1 = 2 + rng.NextInt(5), c2 = 2 + rng.NextInt(4), classes = 2 + rng.NextInt(5);
        // a chunk divides the first convolution's channels or is a multiple of them (the window emits a pixel a beat)
        var chunks = Enumerable.Range(1, c1).Where(d => c1 % d == 0).Concat([2 * c1, 3 * c1]).ToList();
        int chunk = chunks[rng.NextInt(chunks.Count)];
        var shape = new[] { height, width, channels };
        var layers = new List<Layer>();

        int kh = Kernel(rng), kw = Kernel(rng);
        var first = new Conv2D(bnn ? RandomModels.Signs(rng, kh, kw, channels, c1) : RandomModels.Gaussian(rng, 0.3, kh, kw, channels, c1),
            bnn ? null : RandomModels.Gaussian(rng, 0.3, c1), Stride: 1 + rng.NextInt(2), Padding: rng.NextInt(3));
        Add(layers, ref shape, first);
        Activation(rng, layers, shape, bnn);
        Pool(rng, layers, ref shape);
        int padding = rng.NextInt(3);
        kh = Kernel(rng, shape[0] + (2 * padding));
        kw = Kernel(rng, shape[1] + (2 * padding));
        Add(layers, ref shape, new BinConv2D(RandomModels.Gaussian(rng, 1, kh, kw, shape[2], c2), Stride: 1 + rng.NextInt(2), Padding: padding));
        Activation(rng, layers, shape, bnn);
        Pool(rng, layers, ref shape);
        Add(layers, ref shape, new Flatten());
        Add(layers, ref shape, new BinLayer(RandomModels.Gaussian(rng, 1, shape[0], classes)));
        if (rng.NextInt(2) == 0) layers.Add(RandomModels.Norm(rng, classes));
        return new ModelSpec($"random-conv-hw-{seed}", new InputSpec([height, width, channels], "uint8", 1.0 / 255), chunk, layers, OutputKind.Class);
    }

    private static int Kernel(SplitMix64 rng) => 1 + rng.NextInt(3);

    /// <summary>A kernel size 1..3 that fits <paramref name="extent"/> (the padded input).</summary>
    private static int Kernel(SplitMix64 rng, int extent) => 1 + rng.NextInt(Math.Min(3, extent));

    private static void Activation(SplitMix64 rng, List<Layer> layers, int[] shape, bool bnn)
    {
        if (bnn || rng.NextInt(2) == 0) layers.Add(RandomModels.Norm(rng, shape[2], meanScale: bnn ? 2 : 1));
        if (bnn) layers.Add(new Sign());
        else if (rng.NextInt(3) == 0) { layers.Add(new Ramp()); layers.Add(new Sign()); }
        else layers.Add(new Ramp());
    }

    /// <summary>Sometimes a max-pool of size = stride 2 or 3, dropping what does not fill a pool.</summary>
    private static void Pool(SplitMix64 rng, List<Layer> layers, ref int[] shape)
    {
        int size = 2 + rng.NextInt(2);
        if (rng.NextInt(3) == 0 || shape[0] < size || shape[1] < size) return;
        bool tiles = shape[0] % size == 0 && shape[1] % size == 0;
        Add(layers, ref shape, new MaxPool2D(size, size, tiles ? PoolEdge.Exact : PoolEdge.Floor));
    }

    private static void Add(List<Layer> layers, ref int[] shape, Layer layer)
    {
        layers.Add(layer);
        shape = layer.OutputShape(shape);
    }
}
