namespace HwFlow.Cli.Tests;

public sealed class EvalEngineTests
{
    private static readonly string Tiny = CliProcess.Example("tiny-hbnn");
    private static readonly string Mlp = CliProcess.Example("fmnist-hbnn-mlp");

    [Fact]
    public void PackedEngineGivesTheIntegerEnginesAnswers()
    {
        var integer = CliProcess.Run("eval", Mlp, "--dataset", "fashion-mnist", "--count", "700", "--engine", "integer", "--json");
        var packed = CliProcess.Run("eval", Mlp, "--dataset", "fashion-mnist", "--count", "700", "--engine", "packed", "--json");
        Assert.True(integer.ExitCode == 0, integer.ToString());
        Assert.True(packed.ExitCode == 0, packed.ToString());
        Assert.Equal("packed", packed.Json().GetProperty("engine").GetString());
        Assert.Equal(integer.Json().GetProperty("correct").GetInt32(), packed.Json().GetProperty("correct").GetInt32());
        Assert.Equal(integer.Json().GetProperty("disagreements").GetInt32(), packed.Json().GetProperty("disagreements").GetInt32());
        Assert.True(packed.Json().GetProperty("imagesPerSecond").GetDouble() > 0);
    }

    [Fact]
    public void AnUnknownEngineIsAUserError() =>
        CliProcess.AssertUserError(CliProcess.Run("eval", Tiny, "--dataset", "mnist", "--engine", "fast"), "'fast'");
}
