using System.Globalization;
using HwFlow.Runtime.Model;

namespace HwFlow.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private static readonly string[] Quick = ["train", "--dataset", "fashion-mnist", "--arch", "784-16-10", "--epochs", "2", "--limit", "600", "--test-limit", "300", "--batch", "50"];
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TrainWritesAModelFolderWithLogAndPlotThatEvalAgreesWith()
    {
        var output = _dir.File("fm");
        var result = CliProcess.Run([.. Quick, "-o", output, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("hbnn", json.GetProperty("mode").GetString());
        Assert.Equal(600, json.GetProperty("trainImages").GetInt32());
        foreach (var file in new[] { "model.yaml", "w0.npy", "training.csv", "accuracy.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is missing");
        var csv = File.ReadAllLines(Path.Combine(output, "training.csv"));
        Assert.Equal("epoch,loss,train_accuracy,test_accuracy,learning_rate,train_seconds,seconds", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.Contains("\"epoch\"", result.Stdout);

        var eval = CliProcess.Run("eval", output, "--dataset", "fashion-mnist", "--count", "300", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        double trained = json.GetProperty("testAccuracy").GetDouble();
        Assert.Equal(trained, eval.Json().GetProperty("accuracy").GetDouble(), 0.005);
        Assert.Equal(trained, double.Parse(csv[2].Split(',')[3], CultureInfo.InvariantCulture));
        Assert.True(trained > 0.25, $"test accuracy {trained} (chance is 0.1)");
        Assert.Contains("epoch 2/2", result.Stderr);
    }

    [Fact]
    public void ABinaryFirstLayerIsSavedAsPlusMinusOneWithoutBias()
    {
        var output = _dir.File("binary-first");
        var result = CliProcess.Run([.. Quick, "--first-layer", "binary", "-o", output, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("binary", json.GetProperty("firstLayer").GetString());
        var model = ModelLoader.Load(output);
        Assert.Equal("LinearLayer BatchNorm Ramp BinarizeLayer BinLayer BatchNorm Sigmoid", string.Join(' ', model.Layers.Select(l => l.Type)));
        var linear = (LinearLayer)model.Layers[0];
        Assert.Null(linear.Bias);
        Assert.False(File.Exists(Path.Combine(output, "b0.npy")));
        Assert.All(linear.Weights.Data, w => Assert.True(w is 1f or -1f, $"saved first-layer weight {w}"));
        Assert.Contains(linear.Weights.Data, w => w == 1f);
        Assert.Contains(linear.Weights.Data, w => w == -1f);

        // bnn's first layer is binary anyway: asking for it is accepted and changes nothing.
        var bnn = CliProcess.Run([.. Override(Quick, ["--mode", "bnn", "--epochs", "1", "--first-layer", "binary"]), "-o", _dir.File("bnn"), "--json"]);
        Assert.True(bnn.ExitCode == 0, bnn.ToString());
        Assert.Equal("binary", bnn.Json().GetProperty("firstLayer").GetString());
    }

    [Theory]
    [InlineData("unknown dataset 'no-such-data'", "--dataset", "no-such-data")]
    [InlineData("--arch '784-x-10'", "--arch", "784-x-10")]
    [InlineData("at least one hidden width", "--arch", "784-10")]
    [InlineData("takes 100 inputs, but dataset fashion-mnist/train has 28x28 = 784", "--arch", "100-16-10")]
    [InlineData("has 5 classes, but dataset fashion-mnist/train has labels up to 9", "--arch", "784-16-5")]
    [InlineData("--epochs must be at least 1, got 0", "--epochs", "0")]
    [InlineData("--batch must be at least 1, got 0", "--batch", "0")]
    [InlineData("--lr must be a positive number, got 0", "--lr", "0")]
    [InlineData("--lr must be a positive number, got -0.5", "--lr", "-0.5")]
    [InlineData("--mode 'xnor'", "--mode", "xnor")]
    [InlineData("--scales pow2 applies to --mode hbnn only", "--mode", "bnn", "--scales", "pow2")]
    [InlineData("--first-layer binary applies to --mode hbnn only", "--mode", "float", "--first-layer", "binary")]
    [InlineData("--first-layer float does not apply to --mode bnn", "--mode", "bnn", "--first-layer", "float")]
    [InlineData("--first-layer 'ternary': expected float, binary or wht", "--first-layer", "ternary")]
    [InlineData("--limit must be at least 2", "--limit", "1")]
    [InlineData("--bin-agg must be at least 1", "--bin-agg", "0")]
    [InlineData("--shift must be 0 or more pixels, got -1", "--shift", "-1")]
    [InlineData("--shift 28 moves 28x28 images entirely out of view", "--shift", "28")]
    public void BadInputIsOneLineExitTwoAndNoFolder(string message, params string[] overrides)
    {
        var output = _dir.File("model");
        var args = Override(Quick, overrides).Concat(["-o", output]).ToArray();
        var result = CliProcess.Run(args);
        CliProcess.AssertUserError(result, message);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void ADatasetCanBeAnIdxFolder()
    {
        var output = _dir.File("idx");
        var result = CliProcess.Run([.. Override(Quick, ["--dataset", "/usr/share/datasets/fashion-mnist", "--epochs", "1"]), "-o", output, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("/usr/share/datasets/fashion-mnist", result.Json().GetProperty("dataset").GetString());
        Assert.True(File.Exists(Path.Combine(output, "model.yaml")));

        var empty = _dir.File("empty-dataset");
        Directory.CreateDirectory(empty);
        var refused = CliProcess.Run([.. Override(Quick, ["--dataset", empty]), "-o", _dir.File("never")]);
        CliProcess.AssertUserError(refused, "no train-images-idx3-ubyte[.gz] in this dataset folder");
        Assert.False(Directory.Exists(_dir.File("never")));
    }

    [Fact]
    public void AnExistingOutputFolderIsRefusedUnlessForcedAndForceReplacesOnlyAModelFolderHwFlowWrote()
    {
        var output = _dir.File("existing");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        var refused = CliProcess.Run([.. Quick, "-o", output]);
        CliProcess.AssertUserError(refused, "exists already (use --force");
        var forcedOverMine = CliProcess.Run([.. Override(Quick, ["--epochs", "1"]), "-o", output, "--force"]);
        CliProcess.AssertUserError(forcedOverMine, "not a folder HwFlow wrote");
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));

        var model = _dir.File("model");
        Assert.Equal(0, CliProcess.Run([.. Override(Quick, ["--epochs", "1"]), "-o", model]).ExitCode);
        var forced = CliProcess.Run([.. Override(Quick, ["--epochs", "1", "--seed", "2"]), "-o", model, "--force", "--json"]);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(2UL, forced.Json().GetProperty("seed").GetUInt64());
        Assert.True(File.Exists(Path.Combine(model, "model.yaml")));
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task InterruptedTrainingLeavesNoFolder(string signal)
    {
        // Interrupted once the first epoch is done, so the model, the log and the staging folder all exist.
        var args = Override(Quick, ["--epochs", "1000", "--limit", "2000"]).Concat(["-o", _dir.File("interrupted")]).ToArray();
        CliProcess.AssertInterrupted(await CliProcess.Signal(signal, _dir.Path, "epoch 1/1000", args));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    private static IEnumerable<string> Override(string[] args, string[] overrides)
    {
        var result = args.ToList();
        for (int i = 0; i + 1 < overrides.Length; i += 2)
        {
            int at = result.IndexOf(overrides[i]);
            if (at >= 0) result[at + 1] = overrides[i + 1];
            else result.AddRange([overrides[i], overrides[i + 1]]);
        }
        return result;
    }
}
