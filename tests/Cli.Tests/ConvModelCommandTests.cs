namespace HwFlow.Cli.Tests;

/// <summary>A shipped convolutional model through eval, compile and bad input, as a user meets them.</summary>
public sealed class ConvModelCommandTests : IDisposable
{
    private static readonly string Cnn = CliProcess.Example("mnist-bnn-cnn");
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void GoldenAndPackedEnginesAgreeWithTheFloatReferenceOnAConvModel()
    {
        var integer = CliProcess.Run("eval", Cnn, "--dataset", "mnist", "--count", "200", "--engine", "integer", "--json");
        var packed = CliProcess.Run("eval", Cnn, "--dataset", "mnist", "--count", "200", "--engine", "packed", "--json");
        Assert.True(integer.ExitCode == 0, integer.ToString());
        Assert.True(packed.ExitCode == 0, packed.ToString());
        // +-1 first layer, thresholds and one-pixel chunks: the BNN lowers exactly, so no image may differ
        Assert.Equal(0, integer.Json().GetProperty("disagreements").GetInt32());
        Assert.Equal(integer.Json().GetProperty("correct").GetInt32(), packed.Json().GetProperty("correct").GetInt32());
        Assert.Equal(0, packed.Json().GetProperty("disagreements").GetInt32());
        Assert.True(integer.Json().GetProperty("accuracy").GetDouble() >= 0.95);
    }

    [Fact]
    public void CompileBuildsAConvModelAndPredictsItsCycles()
    {
        var output = _dir.File("build");
        var result = CliProcess.Run("compile", Cnn, "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        // the first layer's window emits 9 one-byte beats per output pixel: 28 x 28 x 9 cycles set the pace
        Assert.Equal(7056, result.Json().GetProperty("report").GetProperty("cyclesPerFrame").GetInt64());
        Assert.Contains("layer_l4_window", File.ReadAllText(Path.Combine(output, "design.rtl")));
    }

    /// <summary>
    /// The iCE40 conv net (examples/fmnist-bnn-cnn-ice40): 88.34% on all 10,000 test images in its README
    /// (too slow to rerun here); the first 1,000 give 90.0% on both engines, and `--device ice40-hx8k`
    /// folds it into the HX8K's 32 block RAMs at the pace its README's bitstream was built at.
    /// </summary>
    [Fact]
    public void TheIce40ConvNetKeepsItsAccuracyAndFitsTheHx8k()
    {
        var ice = CliProcess.Example("fmnist-bnn-cnn-ice40");
        var integer = CliProcess.Run("eval", ice, "--dataset", "fashion-mnist", "--count", "1000", "--engine", "integer", "--json");
        var packed = CliProcess.Run("eval", ice, "--dataset", "fashion-mnist", "--count", "1000", "--engine", "packed", "--json");
        Assert.True(integer.ExitCode == 0, integer.ToString());
        Assert.True(packed.ExitCode == 0, packed.ToString());
        Assert.Equal(900, integer.Json().GetProperty("correct").GetInt32());
        Assert.Equal(900, packed.Json().GetProperty("correct").GetInt32());

        var build = CliProcess.Run("compile", ice, "--device", "ice40-hx8k", "-o", _dir.File("ice"), "--json");
        Assert.True(build.ExitCode == 0, build.ToString());
        var report = build.Json().GetProperty("report");
        Assert.Equal(23232, report.GetProperty("cyclesPerFrame").GetInt64());
        Assert.True(report.GetProperty("deviceFit").GetProperty("fits").GetBoolean());
        Assert.InRange(report.GetProperty("deviceFit").GetProperty("blockRams").GetInt32(), 1, 32);
    }

    [Fact]
    public void CompileIrOnlyWritesTheConvIntegerGraph()
    {
        var output = _dir.File("ir");
        var result = CliProcess.Run("compile", Cnn, "-o", output, "--ir-only");
        Assert.True(result.ExitCode == 0, result.ToString());
        var graph = File.ReadAllText(Path.Combine(output, "graph.ir"));
        Assert.Contains("= window ", graph);
        Assert.Contains("= max-pool ", graph);
        Assert.DoesNotContain("conv2d", graph);
    }

    [Fact]
    public void ABadConvLayerNamesTheFileLineLayerAndShapes()
    {
        var model = _dir.File("bad");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.GetFiles(Cnn)) File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        var yaml = Path.Combine(model, "model.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("type: Conv2D, weights: w0.npy, stride: 1", "type: Conv2D, weights: w0.npy, stride: 0"));
        var result = CliProcess.Run("eval", model, "--dataset", "mnist", "--count", "10");
        CliProcess.AssertUserError(result, "model.yaml:6:");
        Assert.Contains("layer 0 (Conv2D): stride 0 on the input [28, 28, 1]: the stride must be at least 1", result.Stderr);
    }

    [Theory]
    [InlineData("28x28x1-c8-f-c8-10", "comes after the flatten f")]
    [InlineData("28x28x1-c8k30-f-10", "its 30x30 kernel is larger than the input [28, 28, 1] padded by 0 (28x28)")]
    [InlineData("28x28x1-c8s0-f-10", "stride 0 on the input [28, 28, 1]")]
    [InlineData("28x28x1-c8-p3-f-10", "a 3x3 pool with stride 3 does not tile the input [26, 26, 8]")]
    public void ABadImageArchitectureIsOneLineAndExitCode2(string arch, string expected)
    {
        var result = CliProcess.Run("train", "--dataset", "mnist", "--arch", arch, "--epochs", "1", "--limit", "10", "-o", _dir.File("m"));
        CliProcess.AssertUserError(result, expected);
        Assert.False(Directory.Exists(_dir.File("m")));
    }
}
