using CsCheck;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Kernels;

public sealed class HadamardGemmTests
{
    public static TheoryData<KernelIsa> Levels() => BinaryGemmTests.Levels();

    [Theory]
    [MemberData(nameof(Levels))]
    public void FusedProductEqualsTheFloatEvaluatorsHbDotHbInDouble(KernelIsa isa)
    {
        var shapes =
            from batch in Gen.Int[1, 6]
            from inputs in Gen.Int[1, 300]
            from outputs in Gen.Int[1, 300]
            from chunk in Gen.Int[1, inputs + 3]
            from unipolar in Gen.Bool
            from seed in Gen.ULong
            select (batch, inputs, outputs, chunk, unipolar, seed);
        shapes.Sample(s =>
        {
            var rng = new SplitMix64(s.seed);
            // Unipolar activations are what Ramp leaves: non-negative, many exact zeros.
            var x = Enumerable.Range(0, s.batch * s.inputs)
                .Select(_ => s.unipolar ? (float)Math.Max(0, rng.NextGaussian()) : (float)rng.NextGaussian()).ToArray();
            var weightsByOutput = Enumerable.Range(0, s.outputs * s.inputs).Select(_ => (float)rng.NextGaussian()).ToArray();
            var coding = s.unipolar ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;

            var bits = BitMatrix.FromSigns(x, s.batch, s.inputs, coding);
            var scales = HadamardScales.ChunkMeans(x, s.batch, s.inputs, s.chunk);
            var weights = HadamardWeights.FromReal(weightsByOutput, s.outputs, s.inputs, s.chunk);
            var actual = new float[s.batch * s.outputs];
            HadamardGemm.Multiply(bits, scales, weights, coding, actual, new KernelOptions(isa, Threads: 2));

            // The reference, as FloatEvaluator's BinLayer computes it: Dot[hb(x, k), hb(W, k)] in double, W as [in, out].
            var w = new Tensor([s.inputs, s.outputs], new float[s.inputs * s.outputs]);
            for (int j = 0; j < s.outputs; j++)
                for (int i = 0; i < s.inputs; i++) w.Data[(i * s.outputs) + j] = weightsByOutput[(j * s.inputs) + i];
            var hbW = Hadamard.BinarizeWeightsTransposed(w, s.chunk);
            for (int b = 0; b < s.batch; b++)
            {
                var hbX = Hadamard.Binarize(x.AsSpan(b * s.inputs, s.inputs).ToArray().Select(v => (double)v).ToArray(), s.chunk, s.unipolar);
                for (int j = 0; j < s.outputs; j++)
                {
                    var column = hbW.AsSpan(j * s.inputs, s.inputs);
                    double expected = DenseProduct.Dot(hbX, column);
                    double magnitude = 0;
                    for (int i = 0; i < s.inputs; i++) magnitude += Math.Abs(hbX[i] * column[i]);
                    double error = Math.Abs(actual[(b * s.outputs) + j] - expected);
                    Assert.True(error <= (1e-5 * magnitude) + 1e-6, $"C[{b},{j}] = {actual[(b * s.outputs) + j]}, reference {expected} (|terms| {magnitude})");
                }
            }
        }, iter: 25, threads: 1);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var rng = new SplitMix64(5);
        var x = Enumerable.Range(0, 9 * 200).Select(_ => (float)rng.NextGaussian()).ToArray();
        var wt = Enumerable.Range(0, 700 * 200).Select(_ => (float)rng.NextGaussian()).ToArray();
        var bits = BitMatrix.FromSigns(x, 9, 200, ActivationCoding.Bipolar);
        var scales = HadamardScales.ChunkMeans(x, 9, 200, 16);
        var weights = HadamardWeights.FromReal(wt, 700, 200, 16);
        var one = new float[9 * 700];
        var two = new float[9 * 700];
        HadamardGemm.Multiply(bits, scales, weights, ActivationCoding.Bipolar, one, new KernelOptions(Threads: 1));
        HadamardGemm.Multiply(bits, scales, weights, ActivationCoding.Bipolar, two, new KernelOptions(Threads: 2));
        Assert.Equal(one, two);
        Assert.Contains(one, v => v != 0);
    }

    [Fact]
    public void ScaleCountsMustMatchTheChunks()
    {
        var weights = HadamardWeights.FromReal(new float[3 * 10], 3, 10, 4);
        var error = Assert.Throws<ArgumentException>(() =>
            HadamardGemm.Multiply(new BitMatrix(2, 10), new float[5], weights, ActivationCoding.Bipolar, new float[6]));
        Assert.Contains("2 rows x 3 chunks", error.Message);
        Assert.Throws<ArgumentException>(() => new HadamardWeights(new BitMatrix(3, 10), 4, new float[8]));
    }
}
