namespace HwFlow.Tests;

/// <summary>Where the repository is (tests read examples, fixtures and goldens from the source tree). Linked into each test project like <see cref="TempFolder"/>.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HwFlow.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (HwFlow.sln) above " + AppContext.BaseDirectory);
    }
}
