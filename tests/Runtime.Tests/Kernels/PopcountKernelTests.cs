using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Tests.Kernels;

/// <summary>
/// The VPOPCNTQ kernels (generated machine code) against the scalar reference, on shapes that reach
/// every generated row count (1..6 rows per call), partial panels and tiles, rows past one 48-row
/// group, one step and odd step counts, chunks on 32-bit steps (the last one short), both codings,
/// and 1 or 2 threads.
/// Every other level this CPU runs takes the same shapes, including the forced scalar path.
/// </summary>
public sealed class PopcountKernelTests
{
    public static TheoryData<KernelIsa> Levels() => BinaryGemmTests.Levels();

    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        { 1, 1, 1, 1 },
        { 1, 63, 5, 63 },
        { 2, 512, 4, 512 },
        { 3, 513, 7, 513 },
        { 5, 1500, 257, 1500 },
        { 6, 1024, 260, 512 },
        { 7, 3000, 9, 1024 },
        { 13, 2048, 300, 512 },
        { 4, 700, 70, 32 },
        { 11, 1000, 129, 96 },
        { 50, 700, 33, 700 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CountsMatchTheScalarReferenceAtEveryLevel(int rows, int inputs, int outputs, int chunk)
    {
        var rng = new SplitMix64((ulong)((rows * 1_000_003) + inputs));
        var a = BitMatrix.Random(rows, inputs, rng);
        var w = BitMatrix.Random(outputs, inputs, rng);
        var packed = new PackedWeights(w, chunk);
        Assert.Equal(KernelIsa.Avx512Popcount, packed.Runnable(KernelIsa.Avx512Popcount));
        foreach (var coding in Enum.GetValues<ActivationCoding>())
        {
            var expected = ReferenceProducts.ChunkCounts(a, w, chunk, coding);
            foreach (var isa in BinaryGemmTests.RunnableLevels())
            {
                Assert.Equal(expected, BinaryGemm.Multiply(a, packed, coding, new KernelOptions(isa, Threads: 1)));
                Assert.Equal(expected, BinaryGemm.Multiply(a, packed, coding, new KernelOptions(isa, Threads: 2)));
            }
        }
    }

    [Fact]
    public void ChunksOffTheStepsRunTheTableLookupInstead()
    {
        Assert.Equal(KernelIsa.Avx512, new PackedWeights(new BitMatrix(3, 700), 16).Runnable(KernelIsa.Avx512Popcount));
        Assert.Equal(KernelIsa.Avx512, new PackedWeights(new BitMatrix(3, 1100), 1000).Runnable(KernelIsa.Avx512Popcount));
        Assert.Equal(KernelIsa.Avx512Popcount, new PackedWeights(new BitMatrix(3, 1100), 96).Runnable(KernelIsa.Avx512Popcount));
        Assert.Equal(KernelIsa.Avx2, new PackedWeights(new BitMatrix(3, 700), 700).Runnable(KernelIsa.Avx2));
    }

    [Fact]
    public void AMatrixVectorProductOnTwoThreadsEqualsOneThread()
    {
        // Large enough to be split over threads (past KernelOptions.ParallelThreshold).
        var rng = new SplitMix64(21);
        var x = BitMatrix.Random(1, 4096, rng);
        var packed = new PackedWeights(BitMatrix.Random(9000, 4096, rng), 4096);
        var one = BinaryGemm.Multiply(x, packed, ActivationCoding.Bipolar, new KernelOptions(Threads: 1));
        var two = BinaryGemm.Multiply(x, packed, ActivationCoding.Bipolar, new KernelOptions(Threads: 2));
        Assert.Equal(one, two);
        Assert.Equal(ReferenceProducts.ChunkCounts(x, packed.Bits, 4096, ActivationCoding.Bipolar), one);
    }
}
