namespace HwFlow.Cli.Tests;

public sealed class BenchCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Small = ["bench", "gemm", "--min-size", "32", "--max-size", "64", "--max-naive", "64", "--json"];

    [Fact]
    public void GemmPrintsRatiosAgainstEveryPeerAndWritesCsvAndPlots()
    {
        var folder = _dir.File("bench");
        var result = CliProcess.Run([.. Small, "-o", folder]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var ratios = json.GetProperty("ratios").EnumerateArray().ToList();
        Assert.Contains(ratios, r => r.GetProperty("shape").GetString() == "64x64x64" && r.GetProperty("peer").GetString() == "openblas-sgemm");
        Assert.Contains(ratios, r => r.GetProperty("shape").GetString() == "1x64x64" && r.GetProperty("peer").GetString() == "openblas-sgemv");
        Assert.Contains(ratios, r => r.GetProperty("kernel").GetString() == "xhbnn" && r.GetProperty("peer").GetString() == "float-triple-loop");
        Assert.All(ratios, r => Assert.True(r.GetProperty("times").GetDouble() > 0));
        Assert.Equal(64, json.GetProperty("chunkLength").GetInt32());
        var csv = File.ReadAllLines(Path.Combine(folder, "gemm.csv"));
        Assert.Equal("shape,m,n,k,contender,threads,seconds,gops,cpu_seconds", csv[0]);
        Assert.Contains(csv, line => line.StartsWith("32x32x32,32,32,32,binary,1,", StringComparison.Ordinal));
        Assert.True(new FileInfo(Path.Combine(folder, "cmma-vs-xhbnn.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(folder, "openblas-vs-xhbnn.png")).Length > 1000);
        var checks = json.GetProperty("peerChecks").EnumerateArray().ToList();
        Assert.Equal(["32x32x32", "1x32x32", "64x64x64", "1x64x64"], checks.Select(c => c.GetProperty("shape").GetString()));
        Assert.All(checks, c => Assert.InRange(c.GetProperty("worstErrorOverBound").GetDouble(), 0, 1));
    }

    [Fact]
    public void ThePeerRunsOpenBlasWithoutTheKernelVariablesAndSaysWhichKernelRan()
    {
        // Force the AVX2 kernels in the environment, as this machine's profile does: the benchmark's own
        // OpenBLAS keeps them (they are the correctness reference); the peer must run without them.
        var environment = new Dictionary<string, string> { ["OPENBLAS_CORETYPE"] = "Haswell", ["OPENBLAS_L2_SIZE"] = "512" };
        var result = CliProcess.RunWithEnvironment(environment, [.. Small, "-o", _dir.File("peer")]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var machine = result.Json().GetProperty("machine");
        Assert.Equal("Haswell", machine.GetProperty("openBlasDefaultCore").GetString());
        Assert.Equal(["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"], machine.GetProperty("unsetForPeer").EnumerateArray().Select(v => v.GetString()));
        string peerCore = machine.GetProperty("openBlasCore").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(peerCore));
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            Assert.NotEqual("Haswell", peerCore);
        var text = CliProcess.RunWithEnvironment(environment, [.. Small[..^1], "-o", _dir.File("peer-text")]);
        Assert.Contains($"OpenBLAS peer: {peerCore} kernels (run without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE)", text.Stdout);
    }

    [Fact]
    public void TheLevelCanBeForced()
    {
        var result = CliProcess.Run([.. Small, "--isa", "scalar", "-o", _dir.File("scalar")]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Scalar", result.Json().GetProperty("machine").GetProperty("kernelIsa").GetString());
        Assert.DoesNotContain("lacks", result.Stderr);
    }

    [Theory]
    [InlineData("DOTNET_EnableAVX512", "Avx2", "lacks AVX-512")]
    [InlineData("DOTNET_EnableAVX2", "Scalar", "lacks AVX2")]
    public void ACpuWithoutTheWideLevelsFallsBackAndSaysSoOnce(string knob, string level, string note)
    {
        var result = CliProcess.RunWithEnvironment(new Dictionary<string, string> { [knob] = "0" }, [.. Small, "-o", _dir.File(level)]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(level, result.Json().GetProperty("machine").GetProperty("kernelIsa").GetString());
        Assert.Single(result.Stderr.Split('\n'), line => line.Contains(note, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--min-size", "48", "--min-size must be a power of two")]
    [InlineData("--chunk", "0", "--chunk must be at least 1")]
    [InlineData("--threads", "0", "--threads must be at least 1")]
    [InlineData("--isa", "sse", "--isa must be avx512-popcount, avx512, avx2 or scalar, got 'sse'")]
    [InlineData("--rounds", "0", "--rounds must be at least 1")]
    public void BadOptionsAreOneLineUserErrors(string option, string value, string message)
    {
        var folder = _dir.File("bad");
        var result = CliProcess.Run("bench", "gemm", "--max-size", "64", option, value, "-o", folder);
        CliProcess.AssertUserError(result, message);
        Assert.False(Directory.Exists(folder));
    }
}
