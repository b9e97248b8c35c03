namespace HwFlow.Cli.Tests;

/// <summary>examples/tiny-hbnn compiled once (by the real `hwflow compile`) for the tests of a class.</summary>
public sealed class CompiledBuild : IDisposable
{
    private readonly TempFolder _dir = new();

    public CompiledBuild()
    {
        Folder = _dir.File("tiny-build");
        var result = CliProcess.Run("compile", CliProcess.Example("tiny-hbnn"), "-o", Folder, "--json");
        if (result.ExitCode != 0) throw new InvalidOperationException("compiling the example failed:\n" + result);
    }

    public string Folder { get; }

    public void Dispose() => _dir.Dispose();
}
