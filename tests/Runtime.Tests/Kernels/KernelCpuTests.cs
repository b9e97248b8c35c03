using HwFlow.Runtime.Kernels;

namespace HwFlow.Runtime.Tests.Kernels;

public sealed class KernelCpuTests
{
    [Fact]
    public void ALevelTheCpuLacksFallsBackWithAReason()
    {
        var notes = new List<string>();
        Assert.Equal(KernelIsa.Avx2, KernelCpu.Resolve(KernelIsa.Avx512, KernelIsa.Avx2, notes.Add));
        Assert.Equal(KernelIsa.Scalar, KernelCpu.Resolve(null, KernelIsa.Scalar, notes.Add));
        Assert.Equal(["this CPU lacks AVX-512 (F, BW, VBMI); packed binary kernels fall back to AVX2",
            "this CPU lacks AVX2; packed binary kernels fall back to scalar 64-bit popcount"], notes);
    }

    [Fact]
    public void ForcingALowerLevelIsNoFallback()
    {
        var notes = new List<string>();
        Assert.Equal(KernelIsa.Scalar, KernelCpu.Resolve(KernelIsa.Scalar, KernelIsa.Avx512, notes.Add));
        Assert.Equal(KernelIsa.Avx2, KernelCpu.Resolve(KernelIsa.Avx2, KernelIsa.Avx512, notes.Add));
        Assert.Equal(KernelIsa.Avx512, KernelCpu.Resolve(null, KernelIsa.Avx512, notes.Add));
        Assert.Empty(notes);
    }

    [Fact]
    public void WithoutVpopcntdqTheTableLookupRunsAndAForcedRequestSaysSo()
    {
        var notes = new List<string>();
        Assert.Equal(KernelIsa.Avx512, KernelCpu.Resolve(null, KernelIsa.Avx512, notes.Add));
        Assert.Empty(notes);
        Assert.Equal(KernelIsa.Avx512, KernelCpu.Resolve(KernelIsa.Avx512Popcount, KernelIsa.Avx512, notes.Add));
        Assert.Equal(["this CPU (or OS) lacks AVX-512 VPOPCNTDQ kernels; packed binary kernels fall back to AVX-512 table lookups"], notes);
        Assert.Equal(KernelIsa.Avx512Popcount, KernelCpu.Resolve(null, KernelIsa.Avx512Popcount, notes.Add));
    }

    [Fact]
    public void DetectionPrefersTheWidestLevel()
    {
        Assert.Equal(KernelIsa.Avx512Popcount, KernelCpu.Detect(avx512: true, avx2: true, vpopcntdq: true));
        Assert.Equal(KernelIsa.Avx2, KernelCpu.Detect(avx512: false, avx2: true, vpopcntdq: true));
        Assert.Equal(KernelIsa.Avx512, KernelCpu.Detect(avx512: true, avx2: true));
        Assert.Equal(KernelIsa.Avx2, KernelCpu.Detect(avx512: false, avx2: true));
        Assert.Equal(KernelIsa.Scalar, KernelCpu.Detect(avx512: false, avx2: false));
    }
}
