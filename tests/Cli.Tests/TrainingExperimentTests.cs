using System.Globalization;

namespace HwFlow.Cli.Tests;

public sealed class TrainingExperimentTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void HbnnVsBnnWritesEveryRunAndASummaryPerDatasetAndMode()
    {
        var output = _dir.File("cmp");
        var result = CliProcess.Run("experiment", "hbnn-vs-bnn", "--arch", "784-16-10", "--epochs", "2", "--seeds", "2",
            "--limit", "400", "--test-limit", "200", "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var points = File.ReadAllLines(Path.Combine(output, "hbnn-vs-bnn.csv"));
        Assert.Equal("dataset,mode,seed,epoch,loss,train_accuracy,test_accuracy,seconds", points[0]);
        Assert.Equal(1 + (2 * 3 * 2 * 2), points.Length);
        var summary = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        Assert.Equal(1 + (2 * 3), summary.Length);
        Assert.True(File.Exists(Path.Combine(output, "hbnn-vs-bnn.png")));

        var json = result.Json();
        var verdicts = json.GetProperty("verdicts").EnumerateArray().ToList();
        Assert.Equal(["fashion-mnist", "mnist"], verdicts.Select(v => v.GetProperty("dataset").GetString()));
        foreach (var v in verdicts)
        {
            string dataset = v.GetProperty("dataset").GetString()!;
            double MeanOf(string mode) => points.Skip(1).Select(l => l.Split(','))
                .Where(f => f[0] == dataset && f[1] == mode && f[3] == "2")
                .Average(f => double.Parse(f[6], CultureInfo.InvariantCulture));
            Assert.Equal(MeanOf("hbnn"), v.GetProperty("hbnn").GetDouble(), 1e-12);
            Assert.Equal(MeanOf("bnn"), v.GetProperty("bnn").GetDouble(), 1e-12);
            Assert.Equal(MeanOf("hbnn") >= MeanOf("bnn"), v.GetProperty("hbnnAtLeastBnn").GetBoolean());
        }
    }

    [Fact]
    public void HistogramsCountEveryLatentBinLayerWeightOfBothModes()
    {
        var output = _dir.File("hist");
        var result = CliProcess.Run("experiment", "histograms", "--arch", "784-24-12-10", "--epochs", "1", "--bins", "20",
            "--limit", "300", "--test-limit", "100", "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = File.ReadAllLines(Path.Combine(output, "histograms.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(40, rows.Count);
        foreach (var mode in new[] { "hbnn", "bnn" })
            Assert.Equal((24 * 12) + (12 * 10), rows.Where(r => r[0] == mode).Sum(r => long.Parse(r[3], CultureInfo.InvariantCulture)));
        Assert.True(File.Exists(Path.Combine(output, "histograms.png")));
        var summaries = result.Json().GetProperty("summaries").EnumerateArray().ToList();
        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, s => Assert.InRange(s.GetProperty("saturatedFraction").GetDouble(), 0, 1));
    }

    [Theory]
    [InlineData("--seeds must be at least 1, got 0", "hbnn-vs-bnn", "--seeds", "0")]
    [InlineData("unknown dataset 'nope'", "hbnn-vs-bnn", "--dataset", "nope")]
    [InlineData("--bins must be at least 2, got 1", "histograms", "--bins", "1")]
    [InlineData("--epochs must be at least 1, got 0", "histograms", "--epochs", "0")]
    public void BadExperimentInputIsAUserError(string message, params string[] args)
    {
        var output = _dir.File("bad");
        var result = CliProcess.Run(["experiment", .. args, "-o", output]);
        CliProcess.AssertUserError(result, message);
        Assert.False(Directory.Exists(output));
    }
}
