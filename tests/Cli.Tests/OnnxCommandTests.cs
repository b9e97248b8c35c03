using HwFlow.Tests.Onnx;

namespace HwFlow.Cli.Tests;

/// <summary>
/// `hwflow import` and `hwflow export` as a user runs them, and the .onnx path that `info`,
/// `eval` and `compile` take directly: bad files are one line and exit 2 with nothing written;
/// `compile` refuses what it cannot build yet by name.
/// </summary>
public sealed class OnnxCommandTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static string Tfc(string name) => Path.Combine(CliProcess.Example("qonnx-tfc"), name + ".onnx");

    [Fact]
    public void ImportedFolderEvaluatesLikeTheOnnxFileItCameFrom()
    {
        using var temp = new TempFolder();
        var folder = temp.File("tfc");
        var imported = CliProcess.Run("import", Tfc("TFC_2W2A"), "-o", folder, "--json");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal(13, imported.Json().GetProperty("model").GetProperty("layers").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(folder, "model.yaml")));

        var fromFolder = CliProcess.Run("eval", folder, "--dataset", "mnist", "--engine", "integer", "--count", "300", "--json");
        var fromOnnx = CliProcess.Run("eval", Tfc("TFC_2W2A"), "--dataset", "mnist", "--engine", "integer", "--count", "300", "--json");
        Assert.True(fromFolder.ExitCode == 0, fromFolder.ToString());
        Assert.True(fromOnnx.ExitCode == 0, fromOnnx.ToString());
        int correct = fromOnnx.Json().GetProperty("correct").GetInt32();
        Assert.Equal(correct, fromFolder.Json().GetProperty("correct").GetInt32());
        Assert.Equal(0, fromOnnx.Json().GetProperty("disagreements").GetInt32());
        Assert.True(correct > 270, $"TFC_2W2A got {correct} of 300 digits right");
    }

    public static TheoryData<string> BadCases() => [.. BadOnnxModels.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(BadCases))]
    public void BadOnnxIsOneLineExitTwoAndWritesNothing(string name)
    {
        using var temp = new TempFolder();
        var bad = BadOnnxModels.All.Single(c => c.Name == name);
        var path = bad.Write(temp.Path);
        var output = temp.File("out");
        var result = CliProcess.Run("import", path, "-o", output);
        log.WriteLine(result.Stderr);
        CliProcess.AssertUserError(result, path + ": ");
        Assert.Single(result.Stderr.Trim().Split('\n'));
        foreach (var fragment in bad.Expected) Assert.Contains(fragment, result.Stderr);
        Assert.False(Directory.Exists(output), "a refused import left an output folder");
        Assert.Equal([path], Directory.GetFiles(temp.Path).Where(f => !f.EndsWith(".bin", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("TFC_1W1A")]
    [InlineData("TFC_1W2A")]
    [InlineData("TFC_2W2A")]
    public void TfcModelsCompileAndSimulateExactlyAtThePredictedPace(string model)
    {
        using var temp = new TempFolder();
        var build = temp.File("build");
        var compile = CliProcess.Run("compile", Tfc(model), "-o", build);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var sim = CliProcess.Run("sim", build, "--dataset", "mnist", "--count", "40", "--json");
        Assert.True(sim.ExitCode == 0, sim.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(sim.Stdout)!;
        Assert.Equal(0, (int)json["goldenMismatches"]!);
        Assert.Equal((double)json["predictedCyclesPerFrame"]!, (double)json["cyclesPerFrame"]!);
    }

    [Fact]
    public void Tfc1W1aCosimulatesBitAndCycleExactUnderStalls()
    {
        using var temp = new TempFolder();
        var build = temp.File("build");
        var compile = CliProcess.Run("compile", Tfc("TFC_1W1A"), "-o", build);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var cosim = CliProcess.Run("cosim", build, "--dataset", "mnist", "--count", "16", "--stall-prob", "0.3", "--json");
        Assert.True(cosim.ExitCode == 0, cosim.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(cosim.Stdout)!;
        Assert.True((bool)json["agree"]!);
        Assert.Equal(16, (int)json["transactions"]!);
        Assert.Equal(0, (int)json["goldenMismatches"]!);
    }

    [Fact]
    public void ExportWritesQonnxThatInfoReadsAndRefusesWhatQonnxCannotSay()
    {
        using var temp = new TempFolder();
        var file = temp.File("bnn.onnx");
        var exported = CliProcess.Run("export", CliProcess.Example("mnist-bnn-mlp"), "-o", file);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        var info = CliProcess.Run("info", file, "--json");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Equal("mnist-bnn-mlp", info.Json().GetProperty("name").GetString());

        CliProcess.AssertUserError(CliProcess.Run("export", CliProcess.Example("mnist-bnn-mlp"), "-o", file), "exists already (use --force");
        var hbnn = CliProcess.Run("export", CliProcess.Example("mnist-hbnn-mlp"), "-o", temp.File("hbnn.onnx"));
        CliProcess.AssertUserError(hbnn, CliProcess.Example("mnist-hbnn-mlp") + ": layer ");
        Assert.Contains("cannot be written as QONNX", hbnn.Stderr);
        Assert.False(File.Exists(temp.File("hbnn.onnx")));
        CliProcess.AssertUserError(CliProcess.Run("export", CliProcess.Example("mnist-bnn-mlp"), "-o", Path.Combine(CliProcess.Example("mnist-bnn-mlp"), "x.onnx")),
            "this would write into the model being exported");
    }
}
