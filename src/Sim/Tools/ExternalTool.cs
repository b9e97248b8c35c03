using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Tools;

/// <summary>What a finished tool run left behind.</summary>
public sealed record ToolRun(string Command, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The first line of stderr (or stdout) that looks like an error, for one-line reports.</summary>
    public string FirstError =>
        (Stderr + "\n" + Stdout).Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.StartsWith("%Error", StringComparison.Ordinal))?.Trim()
        ?? Stderr.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? $"exit code {ExitCode}";
}

/// <summary>
/// An external program behind a small adapter: where it is (PATH or an environment override),
/// whether it is there, its version, and running it with captured output. A missing tool names
/// the Debian package that provides it.
/// </summary>
public sealed class ExternalTool(string executable, string environmentOverride, string debianPackage,
    string versionArgument, Version minimumVersion)
{
    public string Executable { get; } = executable;
    public string EnvironmentOverride { get; } = environmentOverride;
    public string DebianPackage { get; } = debianPackage;
    public Version MinimumVersion { get; } = minimumVersion;

    private readonly Lazy<string?> _path = new(() => Locate(executable, environmentOverride));
    // Lazy, so threads asking at once all wait for the one answer: a thread that saw "being read"
    // as "unknown" would name a different Verilator cache folder for the same design.
    private Lazy<Version?>? _version;

    /// <summary>Full path of the program, or null when it cannot be found.</summary>
    public string? Path => _path.Value;

    public bool Available => Path is not null;

    /// <summary>The version the program reports (first dotted number in its version output).</summary>
    public Version? Version => LazyInitializer.EnsureInitialized(ref _version, () => new Lazy<Version?>(ReadVersion)).Value;

    private Version? ReadVersion()
    {
        if (!Available) return null;
        var run = RunRaw([versionArgument], null, TimeSpan.FromSeconds(30));
        var match = Regex.Match(run.Stdout + " " + run.Stderr, @"(\d+)\.(\d+)(?:\.(\d+))?");
        return match.Success
            ? new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), match.Groups[3].Success ? int.Parse(match.Groups[3].Value) : 0)
            : null;
    }

    /// <summary>Throws a <see cref="UserError"/> naming the package when the tool is missing or too old.</summary>
    public void EnsureUsable()
    {
        if (!Available)
            throw new UserError($"{Executable} was not found (set {EnvironmentOverride} or install the Debian package {DebianPackage}; ./run.sh and ./test.sh do it)");
        if (Version is { } v && v < MinimumVersion)
            throw new UserError($"{Executable} {v} is too old: HwFlow needs {MinimumVersion} or newer (Debian package {DebianPackage})");
    }

    /// <summary>How long a tool run may take when the caller does not say.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Runs the tool; the caller decides what a non-zero exit means.</summary>
    public ToolRun Run(IReadOnlyList<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null, CancellationToken cancel = default)
    {
        EnsureUsable();
        return RunRaw(arguments, workingDirectory, timeout ?? DefaultTimeout, cancel);
    }

    private ToolRun RunRaw(IReadOnlyList<string> arguments, string? workingDirectory, TimeSpan timeout, CancellationToken cancel = default) =>
        RunProgram(Path!, Executable, arguments, workingDirectory, timeout, cancel);

    /// <summary>Runs a program that is not a named tool (say, a simulator a tool just built) with captured output.</summary>
    public static ToolRun RunProgram(string path, string displayName, IReadOnlyList<string> arguments, string? workingDirectory, TimeSpan timeout,
        CancellationToken cancel = default)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var command = displayName + " " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"'{a}'" : a));
        var watch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // A program that is there but cannot run: not executable, truncated, for another machine.
            throw new UserError($"{displayName} cannot be started: {path}: {e.Message}; reinstall it or point its override variable at a working program");
        }
        using var owned = process;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancel.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
        {
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new ToolTimeoutError($"{displayName} did not finish within {timeout} and was stopped ({command})");
            }
            process.WaitForExit();
        }
        cancel.ThrowIfCancellationRequested();
        return new ToolRun(command, process.ExitCode, stdout.ToString(), stderr.ToString(), watch.Elapsed);
    }

    private static string? Locate(string executable, string environmentOverride)
    {
        if (Environment.GetEnvironmentVariable(environmentOverride) is { Length: > 0 } overridden)
            return File.Exists(overridden) ? System.IO.Path.GetFullPath(overridden) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, executable);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A tool ran past its time limit and was stopped; callers that let users set the limit add how.</summary>
public sealed class ToolTimeoutError(string message) : UserError(message);
