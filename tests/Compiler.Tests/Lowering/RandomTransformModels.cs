using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Lowering;

/// <summary>
/// Random small models with WalshHadamard layers in every place the trainer and the lowering
/// support: on the input bytes (padded or not, stacked with a diagonal between), on +-1 and 0/1
/// bits, followed by BatchNorm + Sign (thresholds), by a BatchNorm and the HBNN head (folded into
/// a scale), or by nothing but the output.
/// </summary>
public static class RandomTransformModels
{
    public static ModelSpec Create(ulong seed)
    {
        var rng = new SplitMix64(seed);
        int inputs = 3 + rng.NextInt(38);
        int hidden = 2 + rng.NextInt(12), classes = 2 + rng.NextInt(8);
        var layers = new List<Layer>();
        int features = inputs;
        switch (rng.NextInt(3))
        {
            case 0:
                break;
            case 1:
                // +-1 bits into the transform
                layers.Add(new LinearLayer(RandomModels.Gaussian(rng, 0.3, inputs, hidden)));
                layers.Add(Norm(rng, hidden));
                layers.Add(new Sign());
                features = hidden;
                break;
            default:
                // 0/1 bits into the transform
                layers.Add(new LinearLayer(RandomModels.Gaussian(rng, 0.3, inputs, hidden), RandomModels.Gaussian(rng, 0.3, hidden)));
                layers.Add(new Ramp());
                layers.Add(new Sign());
                features = hidden;
                break;
        }
        int size = WalshHadamardTransform.PaddedSize(Math.Max(2, features)) << rng.NextInt(2);
        int stack = 1 + rng.NextInt(2);
        for (int k = 0; k < stack; k++)
        {
            bool inner = k + 1 < stack;
            layers.Add(Transform(rng, size, inner ? Diagonal(rng, size) : (null, null)));
        }
        switch (rng.NextInt(4))
        {
            case 0:
                layers.Add(Norm(rng, size));
                layers.Add(new Sign());
                layers.Add(new BinLayer(Signs(rng, size, classes)));
                layers.Add(Norm(rng, classes));
                break;
            case 1:
                layers.Add(Norm(rng, size));
                layers.Add(new Ramp());
                layers.Add(new BinarizeLayer());
                layers.Add(new BinLayer(RandomModels.Gaussian(rng, 1, size, classes)));
                break;
            case 2:
                // a last transform with its own diagonal straight to the output
                layers[^1] = Transform(rng, size, Diagonal(rng, size));
                break;
            default:
                break;
        }
        return new ModelSpec($"random-wht-{seed}", new InputSpec([inputs], "uint8", 1.0 / 255), 1 + rng.NextInt(6), layers,
            rng.NextInt(2) == 0 ? OutputKind.Scores : OutputKind.Class);
    }

    private static WalshHadamard Transform(SplitMix64 rng, int size, (Tensor? Scale, Tensor? Bias) diagonal)
    {
        ulong seed = rng.NextUInt64();
        return new WalshHadamard(size, new Tensor([size], WalshHadamardTransform.SignsFromSeed(seed, size)), seed, rng.NextInt(4),
            diagonal.Scale, diagonal.Bias);
    }

    /// <summary>None, powers of two (some zero, some negative), or reals with or without a bias.</summary>
    private static (Tensor?, Tensor?) Diagonal(SplitMix64 rng, int size)
    {
        switch (rng.NextInt(3))
        {
            case 0:
                return (null, null);
            case 1:
                var pow2 = Tensor.Zeros(size);
                for (int i = 0; i < size; i++) pow2.Data[i] = rng.NextInt(8) == 0 ? 0 : (rng.NextInt(2) == 0 ? -1 : 1) * MathF.ScaleB(1f, rng.NextInt(9) - 4);
                return (pow2, null);
            default:
                return (RandomModels.Gaussian(rng, 1, size), rng.NextInt(2) == 0 ? null : RandomModels.Gaussian(rng, 0.5, size));
        }
    }

    private static BatchNorm Norm(SplitMix64 rng, int n)
    {
        var variance = Tensor.Zeros(n);
        for (int i = 0; i < n; i++) variance.Data[i] = (float)(0.1 + (2 * rng.NextDouble()));
        return new BatchNorm(RandomModels.Gaussian(rng, 1, n), variance, RandomModels.Gaussian(rng, 1, n), RandomModels.Gaussian(rng, 0.5, n), 1e-4);
    }

    private static Tensor Signs(SplitMix64 rng, int inputs, int outputs)
    {
        var t = Tensor.Zeros(inputs, outputs);
        for (int i = 0; i < t.Length; i++) t.Data[i] = rng.NextInt(2) == 0 ? -1 : 1;
        return t;
    }
}
