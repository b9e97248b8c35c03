namespace HwFlow.Tests;

/// <summary>
/// A fresh folder per test, deleted afterwards, so no test writes into the working tree. One file
/// for every test project: Runtime, Compiler and Cli tests compile it in, Sim tests take it from
/// their reference to the Compiler tests.
/// </summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hwflow-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
