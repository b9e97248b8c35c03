using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Lowering;

/// <summary>
/// Random small models in the layer orders the compiler lowers: HBNN (the seed's order, with and
/// without BatchNorm and BinarizeLayer), BNN (+-1 weights, BatchNorm + Sign), and variants, with
/// random widths that are often not multiples of the chunk length.
/// </summary>
public static class RandomModels
{
    public static ModelSpec Create(ulong seed)
    {
        var rng = new SplitMix64(seed);
        int inputs = 3 + rng.NextInt(28);
        int chunk = 1 + rng.NextInt(7);
        int hidden1 = 2 + rng.NextInt(16), hidden2 = 2 + rng.NextInt(16), classes = 2 + rng.NextInt(9);
        var output = rng.NextInt(4) == 0 ? OutputKind.Scores : OutputKind.Class;
        var layers = rng.NextInt(3) switch
        {
            0 => Hbnn(rng, inputs, hidden1, hidden2, classes, binarizeFirst: true),
            1 => Bnn(rng, inputs, hidden1, hidden2, classes),
            _ => Hbnn(rng, inputs, hidden1, hidden2, classes, binarizeFirst: false),
        };
        var scales = rng.NextInt(4) == 0 ? ScaleMode.Pow2 : ScaleMode.Exact;
        return new ModelSpec($"random-{seed}", new InputSpec([inputs], "uint8", 1.0 / 255), chunk, layers, output, scales);
    }

    private static List<Layer> Hbnn(SplitMix64 rng, int inputs, int h1, int h2, int classes, bool binarizeFirst)
    {
        bool norms = rng.NextInt(2) == 0;
        // sometimes a +-c first layer (trained with --first-layer binary): it stays +-1 before its BatchNorm
        var first = norms && rng.NextInt(3) == 0
            ? new LinearLayer(Scaled(Signs(rng, inputs, h1), 0.25f))
            : new LinearLayer(Gaussian(rng, 0.3, inputs, h1), Gaussian(rng, 0.3, h1));
        var layers = new List<Layer> { first };
        if (norms) layers.Add(Norm(rng, h1));
        layers.Add(new Ramp());
        if (binarizeFirst) layers.Add(new BinarizeLayer());
        layers.Add(new BinLayer(Gaussian(rng, 1, h1, h2)));
        if (norms) layers.Add(Norm(rng, h2));
        if (rng.NextInt(3) == 0)
        {
            // a unipolar Sign after Ramp: 0/1 bits into the next BinLayer
            layers.Add(new Ramp());
            layers.Add(new Sign());
        }
        else
        {
            layers.Add(new Ramp());
        }
        layers.Add(new BinLayer(Gaussian(rng, 1, h2, classes)) { BinAggression = rng.NextInt(2) == 0 ? null : 1 + rng.NextInt(5) });
        if (norms) layers.Add(Norm(rng, classes));
        if (rng.NextInt(2) == 0) layers.Add(new Sigmoid());
        return layers;
    }

    private static List<Layer> Bnn(SplitMix64 rng, int inputs, int h1, int h2, int classes)
    {
        var layers = new List<Layer>
        {
            new LinearLayer(Signs(rng, inputs, h1)),
            Norm(rng, h1, meanScale: 2),
            new Sign(),
            new BinLayer(Signs(rng, h1, h2)),
            Norm(rng, h2, meanScale: 2),
        };
        if (rng.NextInt(2) == 0) layers.Add(new HardTanh());
        layers.Add(new Sign());
        layers.Add(new BinLayer(Signs(rng, h2, classes)));
        if (rng.NextInt(2) == 0) layers.Add(Norm(rng, classes));
        return layers;
    }

    public static BatchNorm Norm(SplitMix64 rng, int n, double meanScale = 1)
    {
        var gamma = Gaussian(rng, 1, n);
        if (rng.NextInt(4) == 0) gamma.Data[rng.NextInt(n)] = 0;
        var variance = Tensor.Zeros(n);
        for (int i = 0; i < n; i++) variance.Data[i] = (float)(0.1 + (2 * rng.NextDouble()));
        return new BatchNorm(Gaussian(rng, meanScale, n), variance, gamma, Gaussian(rng, 0.5, n), 1e-4);
    }

    public static Tensor Gaussian(SplitMix64 rng, double std, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(rng.NextGaussian() * std);
        return t;
    }

    private static Tensor Scaled(Tensor t, float factor) => new(t.Shape, t.Data.Select(v => v * factor).ToArray());

    public static Tensor Signs(SplitMix64 rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = rng.NextInt(2) == 0 ? -1 : 1;
        return t;
    }

    /// <summary>Inputs that push ranges to their ends, plus random ones.</summary>
    public static byte[] Inputs(int features, ulong seed, int randomRows = 24)
    {
        var rng = new SplitMix64(seed);
        var rows = new List<byte[]>
        {
            new byte[features],
            Enumerable.Repeat((byte)255, features).ToArray(),
            Enumerable.Range(0, features).Select(i => (byte)(i % 2 == 0 ? 255 : 0)).ToArray(),
            Enumerable.Range(0, features).Select(i => (byte)(i % 2 == 0 ? 0 : 255)).ToArray(),
        };
        for (int r = 0; r < randomRows; r++) rows.Add(Enumerable.Range(0, features).Select(_ => (byte)rng.NextInt(256)).ToArray());
        return rows.SelectMany(r => r).ToArray();
    }
}
