using HwFlow.Runtime.Tensors;

namespace HwFlow.Cli.Tests;

public sealed class FoundationCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private static readonly string Tiny = CliProcess.Example("tiny-hbnn");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void InfoJsonIsOneObjectWithTheLayerTable()
    {
        var result = CliProcess.Run("info", Tiny, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("tiny-hbnn", json.GetProperty("name").GetString());
        Assert.Equal(7, json.GetProperty("layers").GetArrayLength());
        Assert.Equal(784 * 24 + 24 + 24 * 12 + 12 * 10, json.GetProperty("parameters").GetInt64());
        Assert.True(json.GetProperty("compressionRatio").GetDouble() > 1);
    }

    [Fact]
    public void InfoCountsABinaryFirstLayerAsOneBitPerWeight()
    {
        var result = CliProcess.Run("info", CliProcess.Example("fmnist-tiny"), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var first = result.Json().GetProperty("layers")[0];
        Assert.Equal("LinearLayer", first.GetProperty("type").GetString());
        Assert.Equal("+-1 weights", first.GetProperty("binarization").GetString());
        Assert.Equal(784 * 64 * 32, first.GetProperty("floatBits").GetInt64());
        Assert.Equal((784 * 64) + 32, first.GetProperty("binaryBits").GetInt64());
        // The whole model: 6.1 KiB of first-layer signs, not 196 KiB of float32 "binary" weights.
        Assert.InRange(result.Json().GetProperty("binaryBits").GetInt64(), 70_000, 90_000);
    }

    [Fact]
    public void JsonOutWritesTheJsonObjectAndThePeopleStillGetTheTable()
    {
        var file = _dir.File("reports/eval.json");
        var result = CliProcess.Run("eval", Tiny, "--dataset", "fashion-mnist", "--count", "50", "--engine", "integer", "--json-out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("top-1 agreement with the float reference", result.Stdout);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        Assert.Equal(50, json.GetProperty("count").GetInt32());
        Assert.Equal("integer", json.GetProperty("engine").GetString());
        Assert.Contains($"{json.GetProperty("correct").GetInt32()} ", result.Stdout);
        Assert.Equal(["eval.json"], Directory.GetFiles(_dir.File("reports")).Select(Path.GetFileName));
    }

    [Fact]
    public void InfoNamesAnImageInputByItsShape()
    {
        var result = CliProcess.Run("info", CliProcess.Example("mnist-bnn-cnn"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("mnist-bnn-cnn: 28x28x1 image (784 inputs) -> 10 outputs", result.Stdout);
        Assert.Equal("28x28x1", CliProcess.Run("info", CliProcess.Example("mnist-bnn-cnn"), "--json").Json().GetProperty("inputShape").GetString());
    }

    [Fact]
    public void InfoForPeopleShowsATable()
    {
        var result = CliProcess.Run("info", Tiny);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("BinLayer", result.Stdout);
        Assert.Contains("AND-popcount", result.Stdout);
    }

    [Fact]
    public void EvalReportsAccuracyAndSpeedOnFashionMnist()
    {
        var result = CliProcess.Run("eval", Tiny, "--dataset", "fashion-mnist", "--count", "500", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(500, json.GetProperty("count").GetInt32());
        Assert.InRange(json.GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.True(json.GetProperty("imagesPerSecond").GetDouble() > 0);
        Assert.Equal("fashion-mnist/test", json.GetProperty("dataset").GetString());
    }

    [Fact]
    public void EvalOnTheMnistDigits()
    {
        var result = CliProcess.Run("eval", Tiny, "--dataset", "mnist", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2000, result.Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public void RunTestModeWritesOutputAndClasses()
    {
        var input = _dir.File("x.npy");
        NpyFile.Write(input, NpyArray.FromBytes([3, 784], Enumerable.Range(0, 3 * 784).Select(i => (byte)(i * 7)).ToArray()));
        var output = _dir.File("out");
        var result = CliProcess.Run("run", Tiny, "--input", input, "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var scores = NpyFile.Read(Path.Combine(output, "output.npy"));
        Assert.Equal([3, 10], scores.Shape);
        var classes = NpyFile.Read(Path.Combine(output, "class.npy"));
        Assert.Equal(NpyDType.Int32, classes.Type);
        for (int r = 0; r < 3; r++)
        {
            var row = Enumerable.Range(0, 10).Select(c => scores.GetDouble((r * 10) + c)).ToList();
            Assert.Equal(row.IndexOf(row.Max()), (int)classes.GetDouble(r));
        }
    }

    [Fact]
    public void RunTrainingModeWritesEveryActivation()
    {
        var input = _dir.File("x.npy");
        NpyFile.Write(input, new Tensor([784], Enumerable.Range(0, 784).Select(i => (i % 13) / 13f).ToArray()));
        var output = _dir.File("acts");
        var result = CliProcess.Run("run", Tiny, "--input", input, "--mode", "training", "-o", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(output, ".hwflow-output")), "the output folder does not say HwFlow wrote it");
        var files = Directory.GetFiles(output).Select(f => Path.GetFileName(f)!).Where(f => f != ".hwflow-output").Order().ToArray();
        Assert.Equal(["00-input.npy", "01-LinearLayer.npy", "02-Ramp.npy", "03-BinarizeLayer.npy", "04-BinLayer.npy", "05-Ramp.npy", "06-BinLayer.npy", "07-Sigmoid.npy"], files);
        Assert.Equal([1, 24], NpyFile.Read(Path.Combine(output, "01-LinearLayer.npy")).Shape);
        // float32 input is taken as real values, not scaled again
        Assert.Equal(5 / 13f, (float)NpyFile.Read(Path.Combine(output, "00-input.npy")).GetDouble(5));
    }

    [Fact]
    public void RunRefusesAnExistingOutputFolderAndLeavesItAlone()
    {
        var input = _dir.File("x.npy");
        NpyFile.Write(input, NpyArray.FromBytes([784], new byte[784]));
        var output = _dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        CliProcess.AssertUserError(CliProcess.Run("run", Tiny, "--input", input, "-o", output), "exists already (use --force");
        Assert.Equal(["keep.txt"], Directory.GetFiles(output).Select(f => Path.GetFileName(f)!));
    }

    [Fact]
    public void AnOutputFolderThatCannotBeCreatedIsAUserError()
    {
        var input = _dir.File("x.npy");
        NpyFile.Write(input, NpyArray.FromBytes([784], new byte[784]));
        // /proc takes no new folders, not even from root
        CliProcess.AssertUserError(CliProcess.Run("run", Tiny, "--input", input, "-o", "/proc/hwflow-out"), "/proc/hwflow-out: cannot create the output folder there");
    }

    [Fact]
    public void RunWithAWrongInputShapeLeavesNoOutput()
    {
        var input = _dir.File("x.npy");
        NpyFile.Write(input, NpyArray.FromBytes([2, 100], new byte[200]));
        var output = _dir.File("out");
        CliProcess.AssertUserError(CliProcess.Run("run", Tiny, "--input", input, "-o", output), "expected [784] or [batch, 784]");
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetDirectories(_dir.Path));
    }

    [Fact]
    public void BadModelIsAOneLineUserError()
    {
        var model = _dir.File("m");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "model.yaml"), "format: hwflow-model/1\nname: [unclosed\n");
        var result = CliProcess.Run("info", model);
        CliProcess.AssertUserError(result, "model.yaml:");
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void DatasetThatDoesNotFitTheModelIsRefused()
    {
        var model = _dir.File("small");
        Runtime.Model.ModelWriter.Write(new Runtime.Model.ModelSpec("small", new Runtime.Model.InputSpec([8], "uint8", 1), 4,
            [new Runtime.Model.BinLayer(Tensor.Zeros(8, 10))], Runtime.Model.OutputKind.Class), model, force: false);
        CliProcess.AssertUserError(CliProcess.Run("eval", model, "--dataset", "fashion-mnist"), "784 pixels per image, but model small expects 8 inputs");
    }

    [Fact]
    public void UnknownDatasetAndBadUsageExitWithTwo()
    {
        CliProcess.AssertUserError(CliProcess.Run("eval", Tiny, "--dataset", "imagenet"), "unknown dataset 'imagenet'");
        CliProcess.AssertUserError(CliProcess.Run("eval", Tiny), "Option '--dataset' is required");
        CliProcess.AssertUserError(CliProcess.Run("eval", Tiny, "--dataset", "mnist", "--count", "0"), "--count must be at least 1");
        CliProcess.AssertUserError(CliProcess.Run("frobnicate"), "frobnicate");
    }

    [Fact]
    public void AngleExperimentWritesCsvAndPng()
    {
        var output = _dir.File("angle");
        var result = CliProcess.Run("experiment", "angle", "-o", output, "--max-dim", "1024", "--trials", "3", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(1024, json.GetProperty("largestDimension").GetInt32());
        var csv = File.ReadAllLines(Path.Combine(output, "angle.csv"));
        Assert.Equal("dimension,method,bin_aggression,mean_degrees,std_degrees,trials", csv[0]);
        Assert.Equal(1 + (10 * 8), csv.Length); // dimensions 2..1024, sign + 7 chunk lengths
        var png = File.ReadAllBytes(Path.Combine(output, "angle.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
