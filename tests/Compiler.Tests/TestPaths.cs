namespace HwFlow.Compiler.Tests;

/// <summary>Where the repository and this test project's data files are (tests read goldens from the source tree).</summary>
public static class TestPaths
{
    public static string RepoRoot => RepoPaths.Root;

    public static string TestProject => Path.Combine(RepoRoot, "tests", "Compiler.Tests");

    public static string Example(string name) => Path.Combine(RepoRoot, "examples", name);

    /// <summary>Example models shipped in the repository (folders with a model.yaml).</summary>
    public static IEnumerable<string> Examples() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "examples")).Where(d => File.Exists(Path.Combine(d, "model.yaml"))).Order();

    public static bool UpdateGoldens => Environment.GetEnvironmentVariable("HWFLOW_UPDATE_GOLDEN") == "1";
}
