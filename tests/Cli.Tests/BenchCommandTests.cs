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
    [InlineData("--isa", "sse", "--isa must be avx512, avx2 or scalar, got 'sse'")]
    public void BadOptionsAreOneLineUserErrors(string option, string value, string message)
    {
        var folder = _dir.File("bad");
        var result = CliProcess.Run("bench", "gemm", "--max-size", "64", option, value, "-o", folder);
        CliProcess.AssertUserError(result, message);
        Assert.False(Directory.Exists(folder));
    }
}
