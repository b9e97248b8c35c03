using System.Diagnostics;
using System.Text.Json;

namespace HwFlow.Cli.Tests;

/// <summary>Runs the built `hwflow` as a separate process, as a user would, and captures everything.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json()
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Example(string name) => Path.Combine(RepoRoot, "examples", name);

    public static Result Run(params string[] args) => RunIn(null, args);

    public static Result RunIn(string? workingDirectory, params string[] args) => RunWith(workingDirectory, null, args);

    /// <summary>Runs with extra environment variables, e.g. a tool override pointing nowhere.</summary>
    public static Result RunWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args) => RunWith(null, environment, args);

    private static Result RunWith(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var dll = typeof(HwFlowCommand).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hwflow {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Asserts the user-error contract: exit code 2, one line on stderr, no stack trace.</summary>
    public static void AssertUserError(Result result, string expectedFragment)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expectedFragment, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HwFlow.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (HwFlow.sln) above " + AppContext.BaseDirectory);
    }
}
