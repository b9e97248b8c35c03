using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Semantics.Exact;

/// <summary>
/// Random models in the seed's style, built to hit the cases where float arithmetic goes wrong:
/// chunk lengths 1..64, deep unipolar chains whose Ramps leave many zeros, bipolar chains, first
/// layers with repeated columns (so activations repeat exactly), mostly-zero inputs, and weights
/// either Gaussian (as trained weights are) or from four magnitudes (so chunk terms cancel
/// exactly across chunks, and values stand in exact rational ratios through whole chains).
/// </summary>
public static class RandomSeedModels
{
    public enum Shape { SeedStyle, DeepUnipolar, Bipolar, Mixed }

    public static (ModelSpec Model, byte[] Inputs, int Rows, bool FewMagnitudes) Create(ulong seed)
    {
        var rng = new SplitMix64(seed);
        var shape = (Shape)(int)(seed % 4);
        bool fewMagnitudes = rng.NextInt(2) == 0;
        int inputs = 1 + rng.NextInt(24);
        int Hidden() => 1 + rng.NextInt(40);
        int k = 1 + rng.NextInt(64);
        var scales = rng.NextInt(5) == 0 ? ScaleMode.Pow2 : ScaleMode.Exact;

        Tensor Weights(int rows, int columns)
        {
            var t = Tensor.Zeros([rows, columns]);
            for (int i = 0; i < t.Length; i++)
                t.Data[i] = fewMagnitudes ? (rng.NextInt(2) == 0 ? -1 : 1) * (1 + rng.NextInt(4)) / 4f : (float)rng.NextGaussian();
            return t;
        }

        int width = Hidden();
        var first = Weights(inputs, width);
        if (rng.NextInt(2) == 0)
        {
            // A few prototype columns repeated: equal activations, hence equal chunk scales across chunks.
            int prototypes = 1 + rng.NextInt(3);
            for (int j = prototypes; j < width; j++)
            {
                int from = rng.NextInt(prototypes);
                for (int i = 0; i < inputs; i++) first.Data[(i * width) + j] = first.Data[(i * width) + from];
            }
        }
        var bias = Tensor.Zeros([width]);
        double shift = rng.NextDouble() * 2;
        for (int j = 0; j < width; j++) bias.Data[j] = (float)((rng.NextGaussian() * 0.5) - shift); // many negatives: zeros after Ramp
        var layers = new List<Layer> { new LinearLayer(first, rng.NextInt(3) == 0 ? null : bias) };

        int binLayers = shape switch { Shape.SeedStyle => 2, Shape.DeepUnipolar => 3 + rng.NextInt(4), _ => 2 + rng.NextInt(3) };
        int? Override() => rng.NextInt(3) == 0 ? 1 + rng.NextInt(64) : null;
        if (shape != Shape.Bipolar) layers.Add(new Ramp());
        if (shape is Shape.SeedStyle or Shape.DeepUnipolar || rng.NextInt(2) == 0) layers.Add(new BinarizeLayer { BinAggression = Override() });
        for (int b = 0; b < binLayers; b++)
        {
            if (b > 0 && shape != Shape.Bipolar && (shape != Shape.Mixed || rng.NextInt(2) == 0)) layers.Add(new Ramp());
            int next = b == binLayers - 1 ? 1 + rng.NextInt(10) : Hidden();
            layers.Add(new BinLayer(Weights(width, next)) { BinAggression = Override() });
            width = next;
        }
        layers.Add(new Sigmoid());

        int rows = 3;
        var raw = new byte[rows * inputs];
        for (int i = 0; i < raw.Length; i++) raw[i] = rng.NextInt(2) == 0 ? (byte)0 : (byte)rng.NextInt(256);
        var input = new InputSpec([inputs], "uint8", rng.NextInt(2) == 0 ? 1.0 / 255 : 1.0 / (1 + rng.NextInt(16)));
        return (new ModelSpec($"exact-{seed}", input, k, layers, OutputKind.Scores, scales), raw, rows, fewMagnitudes);
    }
}
