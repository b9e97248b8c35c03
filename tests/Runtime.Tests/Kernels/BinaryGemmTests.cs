using CsCheck;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Tests.Kernels;

public sealed class BinaryGemmTests
{
    /// <summary>Every level this CPU runs (on the project's machines: scalar, AVX2, AVX-512 table lookup and VPOPCNTQ).</summary>
    public static TheoryData<KernelIsa> Levels()
    {
        var data = new TheoryData<KernelIsa>();
        foreach (var isa in RunnableLevels()) data.Add(isa);
        return data;
    }

    /// <summary>Every level this CPU runs, lowest (the forced scalar path) first.</summary>
    public static IEnumerable<KernelIsa> RunnableLevels() => Enum.GetValues<KernelIsa>().Where(i => i <= KernelCpu.Best);

    private static readonly Gen<(int Batch, int Inputs, int Outputs, int Chunk, bool Bipolar, ulong Seed)> Shapes =
        from batch in Gen.Int[1, 4]
        from inputs in Gen.OneOf(Gen.Int[1, 70], Gen.Int[60, 700])
        from outputs in Gen.OneOf(Gen.Int[1, 40], Gen.Int[200, 330])
        from chunk in Gen.OneOf(Gen.Int[1, 20], Gen.Int[1, inputs + 5])
        from bipolar in Gen.Bool
        from seed in Gen.ULong
        select (batch, inputs, outputs, chunk, bipolar, seed);

    [Theory]
    [MemberData(nameof(Levels))]
    public void ChunkCountsMatchTheScalarReferenceOverRandomShapes(KernelIsa isa)
    {
        Shapes.Sample(s =>
        {
            var rng = new SplitMix64(s.Seed);
            var a = BitMatrix.Random(s.Batch, s.Inputs, rng);
            var w = BitMatrix.Random(s.Outputs, s.Inputs, rng);
            var coding = s.Bipolar ? ActivationCoding.Bipolar : ActivationCoding.Unipolar;
            var expected = ReferenceProducts.ChunkCounts(a, w, s.Chunk, coding);
            var packed = new PackedWeights(w, s.Chunk);
            Assert.Equal(expected, BinaryGemm.Multiply(a, packed, coding, new KernelOptions(isa, Threads: 1)));
            Assert.Equal(expected, BinaryGemm.Multiply(a, packed, coding, new KernelOptions(isa, Threads: 3)));
        }, iter: 40, threads: 1);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void ManyPanelsRowsAndThreadsGiveTheSameCounts(KernelIsa isa)
    {
        // 1,100 outputs cross a 1,024-output panel and leave a partial tile; 7 rows spread over threads.
        var rng = new SplitMix64(7);
        var a = BitMatrix.Random(7, 131, rng);
        var w = BitMatrix.Random(1100, 131, rng);
        foreach (var coding in Enum.GetValues<ActivationCoding>())
        {
            var expected = ReferenceProducts.ChunkCounts(a, w, 16, coding);
            var packed = new PackedWeights(w, 16);
            Assert.Equal(expected, BinaryGemm.Multiply(a, packed, coding, new KernelOptions(isa, Threads: 1)));
            Assert.Equal(expected, BinaryGemm.Multiply(a, packed, coding, new KernelOptions(isa, Threads: 2)));
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void LongRowsOverflowNoByteOrShortSum(KernelIsa isa)
    {
        // 70,001 bits in one chunk: past the byte sums (252 bits) and the 16-bit sums (60,000 / 64,000 bits).
        var rng = new SplitMix64(11);
        var a = BitMatrix.Random(5, 70_001, rng);
        var w = BitMatrix.Random(8, 70_001, rng);
        // All-ones rows reach the largest possible counts.
        for (int i = 0; i < 70_001; i++) { w[0, i] = true; a[0, i] = true; }
        foreach (var coding in Enum.GetValues<ActivationCoding>())
        {
            var expected = ReferenceProducts.ChunkCounts(a, w, 70_001, coding);
            var actual = new int[5 * 8];
            BinaryGemm.Multiply(a, new PackedWeights(w, 100_000), coding, actual, new KernelOptions(isa));
            Assert.Equal(expected, actual);
            Assert.Equal(coding == ActivationCoding.Unipolar ? 70_001 : 70_001, actual[0]);
        }
    }

    [Fact]
    public void AllOnesAndAllZerosGiveTheExtremes()
    {
        var a = new BitMatrix(1, 100);
        var w = new BitMatrix(1, 100);
        for (int i = 0; i < 100; i++) w[0, i] = true;
        // Unipolar zero activations contribute nothing; bipolar zeros are -1 against +1 weights.
        Assert.Equal([0, 0], BinaryGemm.Multiply(a, new PackedWeights(w, 64), ActivationCoding.Unipolar));
        Assert.Equal([-64, -36], BinaryGemm.Multiply(a, new PackedWeights(w, 64), ActivationCoding.Bipolar));
    }

    [Fact]
    public void MismatchedShapesAreRefused()
    {
        var a = new BitMatrix(2, 65);
        var w = new PackedWeights(new BitMatrix(3, 64), 16);
        var error = Assert.Throws<ArgumentException>(() => BinaryGemm.Multiply(a, w, ActivationCoding.Bipolar));
        Assert.Contains("65 bits", error.Message);
        var okA = new BitMatrix(2, 64);
        Assert.Throws<ArgumentException>(() => BinaryGemm.Multiply(okA, w, ActivationCoding.Bipolar, new int[5]));
        Assert.Throws<ArgumentException>(() => BinaryGemm.MultiplyVector(okA, w, ActivationCoding.Bipolar, new int[2 * 3 * 4]));
        Assert.Throws<ArgumentException>(() => BitMatrix.FromSigns(new float[5], 2, 3, ActivationCoding.Bipolar));
    }

    [Fact]
    public void PackingFollowsTheSignRules()
    {
        var bipolar = BitMatrix.FromSigns([0f, -0f, -1e-30f, 2f], 1, 4, ActivationCoding.Bipolar);
        var unipolar = BitMatrix.FromSigns([0.0, 1e-300, -1, 2], 1, 4, ActivationCoding.Unipolar);
        Assert.Equal([true, true, false, true], Enumerable.Range(0, 4).Select(i => bipolar[0, i]));
        Assert.Equal([false, true, false, true], Enumerable.Range(0, 4).Select(i => unipolar[0, i]));
        Assert.Equal(0, bipolar.WordsPerRow % 8);
        Assert.Equal(2, unipolar.PopCount(0, 0, 4));
    }
}
