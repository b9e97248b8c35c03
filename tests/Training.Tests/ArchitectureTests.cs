using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Training;

namespace HwFlow.Training.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void ParsesWidths()
    {
        var a = Architecture.Parse("784-256-256-10");
        Assert.Equal([784, 256, 256, 10], a.Widths);
        Assert.Equal(2, a.HiddenLayers);
        Assert.Equal("784-256-256-10", a.ToString());
    }

    [Theory]
    [InlineData("784-10", "at least one hidden")]
    [InlineData("784-0-10", "'0' is not a positive width")]
    [InlineData("784-abc-10", "'abc' is not a positive width")]
    [InlineData("784--10", "'' is not a positive width")]
    [InlineData("784-+5-10", "'+5' is not a positive width")]
    public void RefusesBadArchitectures(string text, string message)
    {
        var e = Assert.Throws<UserError>(() => Architecture.Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RefusesBadOptions()
    {
        var arch = Architecture.Parse("784-8-10");
        Assert.Contains("--epochs", Assert.Throws<UserError>(() => new TrainingOptions(arch, TrainingMode.Hbnn, Epochs: 0).Validate()).Message);
        Assert.Contains("--batch", Assert.Throws<UserError>(() => new TrainingOptions(arch, TrainingMode.Hbnn, BatchSize: -1).Validate()).Message);
        Assert.Contains("--lr", Assert.Throws<UserError>(() => new TrainingOptions(arch, TrainingMode.Hbnn, LearningRate: double.NaN).Validate()).Message);
        Assert.Contains("--bin-agg", Assert.Throws<UserError>(() => new TrainingOptions(arch, TrainingMode.Hbnn, BinAggression: 0).Validate()).Message);
        Assert.Contains("hbnn only", Assert.Throws<UserError>(() => new TrainingOptions(arch, TrainingMode.Bnn, Scales: ScaleMode.Pow2).Validate()).Message);
        Assert.Contains("--mode", Assert.Throws<UserError>(() => Architecture.ParseMode("xnor")).Message);
        Assert.Contains("--first-layer 'ternary'", Assert.Throws<UserError>(() => FirstLayerChoice.Parse("ternary")).Message);
    }

    [Theory]
    [InlineData(TrainingMode.Hbnn, null, FirstLayerWeights.Float)]
    [InlineData(TrainingMode.Hbnn, FirstLayerWeights.Float, FirstLayerWeights.Float)]
    [InlineData(TrainingMode.Hbnn, FirstLayerWeights.Binary, FirstLayerWeights.Binary)]
    [InlineData(TrainingMode.Float, null, FirstLayerWeights.Float)]
    [InlineData(TrainingMode.Float, FirstLayerWeights.Float, FirstLayerWeights.Float)]
    [InlineData(TrainingMode.Bnn, null, FirstLayerWeights.Binary)]
    [InlineData(TrainingMode.Bnn, FirstLayerWeights.Binary, FirstLayerWeights.Binary)]
    public void EachModeHasItsOwnFirstLayerAndAcceptsAskingForIt(TrainingMode mode, FirstLayerWeights? asked, FirstLayerWeights expected)
    {
        var options = new TrainingOptions(Architecture.Parse("784-8-10"), mode, FirstLayer: asked);
        options.Validate();
        Assert.Equal(expected, options.ResolvedFirstLayer);
    }

    [Theory]
    [InlineData(TrainingMode.Float, FirstLayerWeights.Binary, "--first-layer binary applies to --mode hbnn only")]
    [InlineData(TrainingMode.Bnn, FirstLayerWeights.Float, "--first-layer float does not apply to --mode bnn")]
    public void RefusesAFirstLayerTheModeCannotHave(TrainingMode mode, FirstLayerWeights asked, string message)
    {
        var options = new TrainingOptions(Architecture.Parse("784-8-10"), mode, FirstLayer: asked);
        Assert.Contains(message, Assert.Throws<UserError>(options.Validate).Message);
        Assert.Contains(message, Assert.Throws<UserError>(() => NetworkBuilder.Build(options.Architecture, mode, 16, ScaleMode.Exact, 1, asked)).Message);
    }

    [Fact]
    public void CosineScheduleAnnealsToZero()
    {
        var options = new TrainingOptions(Architecture.Parse("4-3-2"), TrainingMode.Float, LearningRate: 0.01);
        Assert.Equal(0.01, options.RateAt(0, 100), 12);
        Assert.Equal(0.005, options.RateAt(50, 100), 12);
        Assert.Equal(0, options.RateAt(100, 100), 12);
        Assert.Equal(0.01, (options with { Schedule = LearningRateSchedule.Constant }).RateAt(70, 100));
    }
}
