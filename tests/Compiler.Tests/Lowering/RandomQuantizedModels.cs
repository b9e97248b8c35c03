using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Lowering;

/// <summary>
/// Random small models in the shape of imported QONNX / FINN networks: an input quantizer
/// (bipolar, ternary, n-bit or thresholds), QuantLinear layers with bipolar or n-bit weights and
/// one or per-output scales, BatchNorm or Affine with Ramp / HardTanh / Clip, every quantizer
/// kind with every rounding mode, and a final Affine or BatchNorm before a class or scores output.
/// </summary>
public static class RandomQuantizedModels
{
    public static ModelSpec Create(ulong seed)
    {
        var rng = new SplitMix64(seed ^ 0x5eed);
        int inputs = 3 + rng.NextInt(28), hidden = 2 + rng.NextInt(15), classes = 2 + rng.NextInt(9);
        var layers = new List<Layer>();
        layers.AddRange(InputQuantizer(rng, inputs));
        layers.Add(Linear(rng, inputs, hidden));
        layers.AddRange(Elementwise(rng, hidden));
        layers.Add(Quantizer(rng, hidden));
        layers.Add(Linear(rng, hidden, classes));
        if (rng.NextInt(3) > 0) layers.Add(rng.NextInt(2) == 0 ? Norm(rng, classes) : Affine(rng, classes, uniform: rng.NextInt(2) == 0));
        var output = rng.NextInt(4) == 0 ? OutputKind.Scores : OutputKind.Class;
        return new ModelSpec($"random-quantized-{seed}", new InputSpec([inputs], "uint8", 1.0 / 255), 16, layers, output);
    }

    private static IEnumerable<Layer> InputQuantizer(SplitMix64 rng, int n)
    {
        var affine = new Affine(FeatureValues.Scalar(2), FeatureValues.Scalar(-1));
        return rng.NextInt(4) switch
        {
            0 => [affine, new BipolarQuant(FeatureValues.Scalar(1))],
            1 => [affine, new Quant(FeatureValues.Scalar(1), FeatureValues.Scalar(0), 2, true, true, RoundingMode.Round)],
            2 => [new Quant(FeatureValues.Scalar(1.0 / 7), FeatureValues.Scalar(0), 3, false, false, Rounding(rng))],
            _ => [Thresholds(rng, 1, 3, 0, 1, outScale: 1, outBias: 0)],
        };
    }

    private static QuantLinear Linear(SplitMix64 rng, int inputs, int outputs)
    {
        var (lo, hi) = rng.NextInt(3) switch { 0 => (-1, 1), 1 => (-1, 1), _ => (-4, 3) };
        bool bipolar = rng.NextInt(3) == 0;
        var weights = Tensor.Zeros(inputs, outputs);
        for (int i = 0; i < weights.Length; i++) weights.Data[i] = bipolar ? (rng.NextInt(2) == 0 ? -1 : 1) : lo + rng.NextInt(hi - lo + 1);
        var scale = rng.NextInt(3) == 0
            ? new FeatureValues(Enumerable.Range(0, outputs).Select(_ => (float)(0.05 + rng.NextDouble())).ToArray())
            : FeatureValues.Scalar(rng.NextInt(2) == 0 ? 1 : (float)(0.05 + rng.NextDouble()));
        return new QuantLinear(weights, scale);
    }

    private static IEnumerable<Layer> Elementwise(SplitMix64 rng, int n)
    {
        yield return rng.NextInt(2) == 0 ? Norm(rng, n) : Affine(rng, n, uniform: false);
        switch (rng.NextInt(4))
        {
            case 0: yield return new Ramp(); break;
            case 1: yield return new HardTanh(); break;
            case 2: yield return new Clip((float)(-0.5 - rng.NextDouble()), (float)(0.5 + rng.NextDouble())); break; // float32 bounds, as ONNX gives them
        }
    }

    private static Layer Quantizer(SplitMix64 rng, int n)
    {
        float scale = (float)(0.1 + rng.NextDouble());
        return rng.NextInt(5) switch
        {
            0 => new BipolarQuant(FeatureValues.Scalar(scale)),
            1 => new Quant(FeatureValues.Scalar(scale), FeatureValues.Scalar(rng.NextInt(3) - 1), 1 + rng.NextInt(4), rng.NextInt(2) == 0, rng.NextInt(2) == 0, Rounding(rng)),
            2 => Thresholds(rng, n, 1 + rng.NextInt(4), -2, 2, outScale: rng.NextInt(2) + 1, outBias: rng.NextInt(2) == 0 ? 0 : -1),
            3 => new Trunc(FeatureValues.Scalar(scale), FeatureValues.Scalar(0), 8, 1 + rng.NextInt(4), FeatureValues.Scalar(scale * 4), rng.NextInt(2) == 0, false, Rounding(rng)),
            _ => new Quant(FeatureValues.Scalar(1), FeatureValues.Scalar(0), 2, true, true, RoundingMode.Round),
        };
    }

    private static MultiThreshold Thresholds(SplitMix64 rng, int rows, int steps, double lo, double hi, double outScale, double outBias)
    {
        var t = Tensor.Zeros(rows, steps);
        for (int r = 0; r < rows; r++)
        {
            var row = Enumerable.Range(0, steps).Select(_ => (float)(lo + ((hi - lo) * rng.NextDouble()))).Order().ToArray();
            row.CopyTo(t.Data, r * steps);
        }
        return new MultiThreshold(t, outScale, outBias);
    }

    private static RoundingMode Rounding(SplitMix64 rng) => (RoundingMode)rng.NextInt(Enum.GetValues<RoundingMode>().Length);

    private static Affine Affine(SplitMix64 rng, int n, bool uniform) => uniform
        ? new Affine(FeatureValues.Scalar(0.01 + rng.NextDouble()), FeatureValues.Scalar(rng.NextGaussian()))
        : new Affine(Floats(rng, n, 0.2, zeroSometimes: true), Floats(rng, n, 1, zeroSometimes: false));

    private static FeatureValues Floats(SplitMix64 rng, int n, double std, bool zeroSometimes) =>
        new(Enumerable.Range(0, n).Select(_ => zeroSometimes && rng.NextInt(8) == 0 ? 0f : (float)(rng.NextGaussian() * std)).ToArray());

    private static BatchNorm Norm(SplitMix64 rng, int n)
    {
        var gamma = RandomModels.Gaussian(rng, 1, n);
        if (rng.NextInt(4) == 0) gamma.Data[rng.NextInt(n)] = 0;
        var variance = Tensor.Zeros(n);
        for (int i = 0; i < n; i++) variance.Data[i] = (float)(0.5 + (20 * rng.NextDouble()));
        return new BatchNorm(RandomModels.Gaussian(rng, 3, n), variance, gamma, RandomModels.Gaussian(rng, 0.5, n), 1e-5);
    }
}
