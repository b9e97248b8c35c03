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

    public static string RepoRoot => RepoPaths.Root;

    public static string Example(string name) => Path.Combine(RepoRoot, "examples", name);

    public static Result Run(params string[] args) => RunIn(null, args);

    public static Result RunIn(string? workingDirectory, params string[] args) => RunWith(workingDirectory, null, args);

    /// <summary>Runs with extra environment variables, e.g. a tool override pointing nowhere.</summary>
    public static Result RunWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args) => RunWith(null, environment, args);

    private static ProcessStartInfo StartInfo(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(typeof(HwFlowCommand).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }

    /// <summary>
    /// A bound against hangs, not a speed check: the slowest command (compile and synth of
    /// fmnist-tiny with a 100-image netlist check) took 3 minutes at load 38 and overran 5 minutes
    /// twice on a machine loaded far past its 2 cores.
    /// </summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(15);

    private static Result RunWith(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangLimit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hwflow {string.Join(' ', args)} did not finish in {HangLimit.TotalMinutes} minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Runs hwflow until a line on stderr contains <paramref name="waitFor"/> (a progress line, so
    /// the work and its staging folder exist), then sends <paramref name="signal"/> (INT as Ctrl-C does, TERM as CI and batch schedulers do), and returns what
    /// it printed by the time it exited.
    /// </summary>
    public static async Task<Result> Signal(string signal, string workingDirectory, string waitFor, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, null, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var before = new List<string>();
        var watch = Stopwatch.StartNew();
        while (process.StandardError.ReadLine() is { } line)
        {
            before.Add($"{watch.Elapsed.TotalSeconds:F2} s: {line}");
            if (line.Contains(waitFor, StringComparison.Ordinal)) break;
        }
        if (before.Count == 0 || !before[^1].Contains(waitFor, StringComparison.Ordinal) || !SendSignal(process.Id, signal))
        {
            // Only now read the rest: reading it waits for the process to end.
            Assert.Fail($"hwflow {string.Join(' ', args)} ended before it printed '{waitFor}' and was interrupted:\n{string.Join('\n', before)}\n" +
                $"{await process.StandardError.ReadToEndAsync()}\n{await stdout}");
        }
        var rest = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, string.Join('\n', before) + "\n" + rest);
    }

    /// <summary>Asserts the Ctrl-C contract: exit code 2, one line saying so, nothing on stdout.</summary>
    public static void AssertInterrupted(Result result)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("hwflow: interrupted; no output was written", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static bool SendSignal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        return kill.ExitCode == 0;
    }

    /// <summary>Asserts the user-error contract: exit code 2, one line on stderr, no stack trace.</summary>
    public static void AssertUserError(Result result, string expectedFragment)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expectedFragment, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
    }
}
