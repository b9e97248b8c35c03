using System.Globalization;
using HwFlow.Runtime.Model;

namespace HwFlow.Cli.Tests;

/// <summary>Walsh-Hadamard transform networks through the commands a user runs: train, info, compile --ir-only (and compile's refusal to build hardware for stacked transforms), eval, experiment wht.</summary>
public sealed class WalshHadamardCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ATransformNetworkTrainsLowersAndEvaluatesBitExactOnThePackedEngine()
    {
        var output = _dir.File("wht");
        var train = CliProcess.Run("train", "--dataset", "fashion-mnist", "--arch", "784-1024-16-10", "--mode", "bnn", "--first-layer", "wht",
            "--wht-stack", "2", "--wht-diagonal", "pow2", "--epochs", "1", "--limit", "600", "--test-limit", "300", "-o", output, "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal("wht", train.Json().GetProperty("firstLayer").GetString());
        var model = ModelLoader.Load(output);
        Assert.Equal("WalshHadamard WalshHadamard BatchNorm Sign BinLayer BatchNorm Sign BinLayer BatchNorm", string.Join(' ', model.Layers.Select(l => l.Type)));

        var info = CliProcess.Run("info", output);
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains("transform 10 stages", info.Stdout);

        var ir = _dir.File("ir");
        var compile = CliProcess.Run("compile", output, "--ir-only", "-o", ir, "--json");
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var graph = File.ReadAllText(Path.Combine(ir, "graph.ir"));
        Assert.Contains("%l0.pad = zero-pad %x : u8[1024]", graph);
        Assert.Contains("%l1 = butterfly %l1.s8 {span=512}", graph);
        Assert.Equal(20, graph.Split('\n').Count(l => l.Contains(" = butterfly ", StringComparison.Ordinal)));

        var hardware = _dir.File("hw");
        CliProcess.AssertUserError(CliProcess.Run("compile", output, "-o", hardware),
            "(WalshHadamard): cannot generate hardware: only one Walsh-Hadamard transform, on the input bytes, has a hardware generator (stacked transforms D1 H D2 H ... do not yet)");
        Assert.False(Directory.Exists(hardware));

        var eval = CliProcess.Run("eval", output, "--dataset", "fashion-mnist", "--count", "300", "--engine", "packed", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var golden = CliProcess.Run("eval", output, "--dataset", "fashion-mnist", "--count", "300", "--engine", "integer", "--json");
        Assert.True(golden.ExitCode == 0, golden.ToString());
        Assert.Equal(golden.Json().GetProperty("correct").GetInt32(), eval.Json().GetProperty("correct").GetInt32());
        Assert.True(eval.Json().GetProperty("agreement").GetDouble() >= 0.98, eval.ToString());
    }

    [Fact]
    public void TheExperimentWritesRunsSummaryEpochsPlotAndAVerdict()
    {
        var output = _dir.File("exp");
        var result = CliProcess.Run("experiment", "wht", "--networks", "hbnn-256-256", "--networks", "wht1024", "--epochs", "1", "--seeds", "2",
            "--limit", "400", "--test-limit", "200", "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var runs = File.ReadAllLines(Path.Combine(output, "runs.csv"));
        Assert.StartsWith("network,seed,epochs,test_accuracy,integer_accuracy,", runs[0]);
        Assert.Equal(1 + 4, runs.Length);
        var summary = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        Assert.Equal(1 + 2, summary.Length);
        Assert.Equal(1 + 4, File.ReadAllLines(Path.Combine(output, "epochs.csv")).Length);
        Assert.True(File.Exists(Path.Combine(output, "wht.png")));
        // the kept models are the ones measured: the integer engine gives the integer accuracy runs.csv reports
        var kept = Path.Combine(output, "models", "wht1024-seed2");
        Assert.Equal("WalshHadamard", ModelLoader.Load(kept).Layers[0].Type);
        var eval = CliProcess.Run("eval", kept, "--dataset", "fashion-mnist", "--count", "200", "--engine", "integer", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var seed2 = runs.Single(l => l.StartsWith("wht1024,2,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(double.Parse(seed2[4], CultureInfo.InvariantCulture), eval.Json().GetProperty("accuracy").GetDouble(), 1e-12);

        var json = result.Json();
        var summaries = json.GetProperty("summaries").EnumerateArray().ToList();
        Assert.Equal(["hbnn-256-256", "wht1024"], summaries.Select(s => s.GetProperty("network").GetString()));
        double Mean(string network) => runs.Skip(1).Select(l => l.Split(',')).Where(f => f[0] == network)
            .Average(f => double.Parse(f[3], CultureInfo.InvariantCulture));
        Assert.Equal(Mean("wht1024"), summaries[1].GetProperty("meanTestAccuracy").GetDouble(), 1e-12);
        Assert.True(summaries[1].GetProperty("luts").GetDouble() < summaries[0].GetProperty("luts").GetDouble());
        var verdict = json.GetProperty("verdict");
        Assert.Equal("wht1024", verdict.GetProperty("best").GetString());
        Assert.Equal(100 * (Mean("hbnn-256-256") - Mean("wht1024")), verdict.GetProperty("accuracyGapPoints").GetDouble(), 1e-9);
        Assert.Contains("resource-model estimates", CliProcess.Run("experiment", "wht", "--networks", "wht1024", "--epochs", "1", "--seeds", "1",
            "--limit", "200", "--test-limit", "100", "-o", _dir.File("plain")).Stdout);
    }

    [Theory]
    [InlineData("--networks: unknown network 'nope' (known: hbnn-256-256,", "experiment", "wht", "--networks", "nope")]
    [InlineData("--seeds must be at least 1, got 0", "experiment", "wht", "--seeds", "0")]
    [InlineData("--first-layer wht: the first hidden width of --arch 784-1000-10 is the transform's size", "train", "--dataset", "fashion-mnist", "--arch", "784-1000-10", "--first-layer", "wht")]
    [InlineData("--wht-stack and --wht-diagonal apply to --first-layer wht only", "train", "--dataset", "fashion-mnist", "--wht-stack", "2")]
    [InlineData("--wht-diagonal 'half': expected none, sign, pow2 or real", "train", "--dataset", "fashion-mnist", "--first-layer", "wht", "--arch", "784-1024-10", "--wht-diagonal", "half")]
    public void BadInputIsAUserError(string message, params string[] args)
    {
        var output = _dir.File("bad");
        var result = CliProcess.Run([.. args, "-o", output]);
        CliProcess.AssertUserError(result, message);
        Assert.False(Directory.Exists(output));
    }
}
