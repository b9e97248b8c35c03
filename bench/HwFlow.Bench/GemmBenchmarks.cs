using BenchmarkDotNet.Attributes;
using HwFlow.Training.Experiments;
using HwFlow.Runtime.Kernels;
using HwFlow.Training.Native;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Bench;

/// <summary>
/// Square GEMM n x n x n, single thread: the packed XNOR-popcount kernel at each ISA level and
/// the fused Hadamard GEMM (xHBNN), with OpenBLAS sgemm as the baseline (ratios in the Ratio
/// column). OpenBLAS runs in this process, so with the kernel the environment selects
/// (OPENBLAS_CORETYPE): `hwflow bench gemm` measures it at its own best, in a child process.
/// </summary>
[MemoryDiagnoser(false)]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private int[] _counts = [];
    private float[] _activationScales = [];
    private BitMatrix _bits = null!;
    private PackedWeights _packed = null!;
    private HadamardWeights _hadamard = null!;

    [Params(256, 1024, 4096)]
    public int N { get; set; }

    [Params(64)]
    public int Chunk { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        OpenBlas.EnsureAvailable();
        OpenBlas.Threads = 1;
        var rng = new SplitMix64(1);
        _a = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextGaussian()).ToArray();
        _b = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextGaussian()).ToArray();
        _c = new float[N * N];
        _counts = new int[N * N];
        _bits = BitMatrix.FromSigns(_a, N, N, ActivationCoding.Bipolar);
        _packed = PackedWeights.FromSigns(_b, N, N, N);
        _hadamard = HadamardWeights.FromReal(_b, N, N, Chunk);
        _activationScales = HadamardScales.ChunkMeans(_a, N, N, Chunk);
        foreach (var isa in Enum.GetValues<KernelIsa>().Where(i => i <= KernelCpu.Best)) _packed.Prepare(isa);
        _hadamard.Prepare();
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm() => OpenBlas.Sgemm(false, true, N, N, N, 1, _a, _b, 0, _c);

    [Benchmark]
    public void BinaryAvx512Popcount() => BinaryGemm.Multiply(_bits, _packed, ActivationCoding.Bipolar, _counts, new KernelOptions(KernelIsa.Avx512Popcount, 1));

    [Benchmark]
    public void BinaryAvx512() => BinaryGemm.Multiply(_bits, _packed, ActivationCoding.Bipolar, _counts, new KernelOptions(KernelIsa.Avx512, 1));

    [Benchmark]
    public void BinaryAvx2() => BinaryGemm.Multiply(_bits, _packed, ActivationCoding.Bipolar, _counts, new KernelOptions(KernelIsa.Avx2, 1));

    [Benchmark]
    public void BinaryScalar() => BinaryGemm.Multiply(_bits, _packed, ActivationCoding.Bipolar, _counts, new KernelOptions(KernelIsa.Scalar, 1));

    [Benchmark]
    public void Xhbnn() => HadamardGemm.Multiply(_bits, _activationScales, _hadamard, ActivationCoding.Bipolar, _c, new KernelOptions(Threads: 1));
}

/// <summary>Matrix-vector (batch 1), single thread: the packed GEMV against OpenBLAS sgemv.</summary>
public class GemvBenchmarks
{
    private float[] _w = [], _x = [], _y = [];
    private int[] _counts = [];
    private BitMatrix _bits = null!;
    private PackedWeights _packed = null!;

    [Params(1024, 4096)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        OpenBlas.EnsureAvailable();
        OpenBlas.Threads = 1;
        var rng = new SplitMix64(2);
        _w = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextGaussian()).ToArray();
        _x = Enumerable.Range(0, N).Select(_ => (float)rng.NextGaussian()).ToArray();
        _y = new float[N];
        _counts = new int[N];
        _bits = BitMatrix.FromSigns(_x, 1, N, ActivationCoding.Bipolar);
        _packed = PackedWeights.FromSigns(_w, N, N, N);
        _packed.Prepare();
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemv() => OpenBlas.Sgemv(false, N, N, 1, _w, _x, 0, _y);

    [Benchmark]
    public void Binary() => BinaryGemm.MultiplyVector(_bits, _packed, ActivationCoding.Bipolar, _counts, new KernelOptions(Threads: 1));
}

/// <summary>The float triple loop (the seed's CMMA analogue) against the fused Hadamard GEMM, single thread.</summary>
public class CmmaBenchmarks
{
    private float[] _a = [], _b = [], _c = [], _activationScales = [];
    private BitMatrix _bits = null!;
    private HadamardWeights _hadamard = null!;

    [Params(256, 512)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new SplitMix64(3);
        _a = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextGaussian()).ToArray();
        _b = Enumerable.Range(0, N * N).Select(_ => (float)rng.NextGaussian()).ToArray();
        _c = new float[N * N];
        _bits = BitMatrix.FromSigns(_a, N, N, ActivationCoding.Bipolar);
        _hadamard = HadamardWeights.FromReal(_b, N, N, 64);
        _activationScales = HadamardScales.ChunkMeans(_a, N, N, 64);
        _hadamard.Prepare();
    }

    [Benchmark(Baseline = true)]
    public void FloatTripleLoopCmma() => FloatTripleLoop.Multiply(_a, _b, _c, N, N, N);

    [Benchmark]
    public void Xhbnn() => HadamardGemm.Multiply(_bits, _activationScales, _hadamard, ActivationCoding.Bipolar, _c, new KernelOptions(Threads: 1));
}
