using System.Diagnostics;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Verilator;

/// <summary>What a harness run printed: its lines before the sentinel, and the wall and thread CPU time of its simulation loop.</summary>
public sealed record HarnessOutput(IReadOnlyList<string> Lines, TimeSpan LoopTime, TimeSpan LoopCpuTime);

/// <summary>A built Verilator model: the harness binary and the folder it runs in (where its $readmemh files are).</summary>
/// <param name="Repaired">A bad cache entry was found and built again.</param>
public sealed record VerilatorModel(string Binary, string Folder, bool FromCache, bool Repaired = false)
{
    /// <summary>
    /// Runs the harness and returns its output. A non-zero exit code or a missing sentinel line
    /// (the model crashed, was killed, or called $finish early) is an error even when the exit
    /// code is 0.
    /// </summary>
    public HarnessOutput Run(IReadOnlyList<string> arguments, TimeSpan? timeout = null, CancellationToken cancel = default)
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Start(start);
        var stderrTask = process.StandardError.ReadToEndAsync(cancel);
        var stdoutTask = process.StandardOutput.ReadToEndAsync(cancel);
        using (cancel.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
        {
            if (!process.WaitForExit(timeout ?? TimeSpan.FromHours(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the Verilator model {Binary} did not finish in time");
            }
            process.WaitForExit();
        }
        cancel.ThrowIfCancellationRequested();
        return Parse(stdoutTask.Result, stderrTask.Result, process.ExitCode, Binary);
    }

    private Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Binary}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // The cache checks its entries before use, so this is a binary damaged since, or a full /tmp.
            throw new UserError($"the Verilator model {Binary} cannot be started ({e.Message}); delete {Folder} and run again to rebuild it");
        }
    }

    /// <summary>Checks the exit code and the sentinel, and splits off the TIME line.</summary>
    public static HarnessOutput Parse(string stdout, string stderr, int exitCode, string what)
    {
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        string Tail() => stderr.Trim().Length > 0 ? stderr.Trim().Split('\n')[0] : lines.Count > 0 ? $"last line: {lines[^1]}" : "no output";
        if (exitCode != 0)
            throw new UserError($"the Verilator model {what} failed with exit code {exitCode}: {Tail()}");
        if (lines.Count == 0 || lines[^1] != CppHarness.Sentinel)
            throw new UserError($"the Verilator model {what} ended without its sentinel line '{CppHarness.Sentinel}' (exit code 0, so it stopped early): {Tail()}");
        lines.RemoveAt(lines.Count - 1);
        TimeSpan wall = TimeSpan.Zero, cpu = TimeSpan.Zero;
        if (lines.Count > 0 && lines[^1].StartsWith("TIME ", StringComparison.Ordinal))
        {
            var parts = lines[^1].Split(' ');
            wall = TimeSpan.FromTicks(long.Parse(parts[1]) / 100);
            cpu = TimeSpan.FromTicks(long.Parse(parts[2]) / 100);
            lines.RemoveAt(lines.Count - 1);
        }
        return new HarnessOutput(lines, wall, cpu);
    }
}
