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
        shapes.Sample(s => AssertMatchesReference(s.batch, s.inputs, s.outputs, s.chunk, s.unipolar, s.seed, isa), iter: 25, threads: 1);
    }

    public static TheoryData<int, int, int> WordChunkShapes() => new()
    {
        { 1, 64, 1 }, { 2, 512, 5 }, { 3, 576, 260 }, { 4, 1024, 33 }, { 5, 1088, 300 }, { 50, 640, 9 },
    };

    /// <summary>64-bit chunks over whole words: the shapes the fused VPOPCNTQ kernel takes (one step, odd steps, 1..4 rows, past a tile and a row group).</summary>
    [Theory]
    [MemberData(nameof(WordChunkShapes))]
    public void WordChunksMatchTheReferenceAtEveryLevel(int batch, int inputs, int outputs)
    {
        foreach (var isa in BinaryGemmTests.RunnableLevels())
        {
            AssertMatchesReference(batch, inputs, outputs, 64, false, (ulong)(batch + inputs + outputs), isa);
            AssertMatchesReference(batch, inputs, outputs, 64, true, (ulong)(batch + inputs + outputs), isa);
        }
    }

    private static void AssertMatchesReference(int batch, int inputs, int outputs, int chunk, bool unipolar, ulong seed, KernelIsa isa)
    {
        var rng = new SplitMix64(seed);
        // Unipolar activations are what Ramp leaves: non-negative, many exact zeros.
        var x = Enumerable.Range(0, batch * inputs)
            .Select(_ => unipolar ? (float)Math.Max(0, rng.NextGaussian()) : (float)rng.NextGaussian()).ToArray();
        var weightsByOutput = Enumerable.Range(0, outputs * inputs).Select(_ => (float)rng.NextGaussian()).ToArray();
        var coding = unipolar ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;

        var bits = BitMatrix.FromSigns(x, batch, inputs, coding);
        var scales = HadamardScales.ChunkMeans(x, batch, inputs, chunk);
        var weights = HadamardWeights.FromReal(weightsByOutput, outputs, inputs, chunk);
        var actual = new float[batch * outputs];
        HadamardGemm.Multiply(bits, scales, weights, coding, actual, new KernelOptions(isa, Threads: 2));

        // The reference, as FloatEvaluator's BinLayer computes it: Dot[hb(x, k), hb(W, k)] in double, W as [in, out].
        var w = new Tensor([inputs, outputs], new float[inputs * outputs]);
        for (int j = 0; j < outputs; j++)
            for (int i = 0; i < inputs; i++) w.Data[(i * outputs) + j] = weightsByOutput[(j * inputs) + i];
        var hbW = Hadamard.BinarizeWeightsTransposed(w, chunk);
        for (int b = 0; b < batch; b++)
        {
            var hbX = Hadamard.Binarize(x.AsSpan(b * inputs, inputs).ToArray().Select(v => (double)v).ToArray(), chunk, unipolar);
            for (int j = 0; j < outputs; j++)
            {
                var column = hbW.AsSpan(j * inputs, inputs);
                double expected = DenseProduct.Dot(hbX, column);
                double magnitude = 0;
                for (int i = 0; i < inputs; i++) magnitude += Math.Abs(hbX[i] * column[i]);
                double error = Math.Abs(actual[(b * outputs) + j] - expected);
                Assert.True(error <= (1e-5 * magnitude) + 1e-6, $"{isa}: C[{b},{j}] = {actual[(b * outputs) + j]}, reference {expected} (|terms| {magnitude})");
            }
        }
    }

    [Theory]
    [InlineData(9, 200, 700, 16)]
    [InlineData(100, 1024, 600, 64)]
    public void ResultsDoNotDependOnTheThreadCount(int rows, int inputs, int outputs, int chunk)
    {
        // The second shape takes the fused VPOPCNTQ kernel where the CPU has it, with enough rows to split.
        var rng = new SplitMix64(5);
        var x = Enumerable.Range(0, rows * inputs).Select(_ => (float)rng.NextGaussian()).ToArray();
        var wt = Enumerable.Range(0, outputs * inputs).Select(_ => (float)rng.NextGaussian()).ToArray();
        var bits = BitMatrix.FromSigns(x, rows, inputs, ActivationCoding.Bipolar);
        var scales = HadamardScales.ChunkMeans(x, rows, inputs, chunk);
        var weights = HadamardWeights.FromReal(wt, outputs, inputs, chunk);
        var one = new float[rows * outputs];
        var two = new float[rows * outputs];
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
