using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Tools;

/// <summary>
/// Turns a failed tool run into the one line a user needs: which tool, what happened to it
/// (an error it printed, a crash, a kill, a full disk), where its whole log is, and what to do.
/// The log is written outside any staging folder, so it survives the cleanup of a failed run.
/// </summary>
public static class ToolFailure
{
    /// <summary>What happened to the run, in words ("crashed (signal 11, SIGSEGV)", "failed: ERROR: ...").</summary>
    public static string What(ToolRun run, string failed = "failed")
    {
        if (IsDiskFull(run.Stderr + run.Stdout)) return "ran out of disk space (No space left on device)";
        // .NET reports a child ended by a signal as 128 + the signal number.
        if (run.ExitCode is > 128 and < 160 && SignalName(run.ExitCode - 128) is { } signal)
        {
            return signal is "SIGKILL" or "SIGTERM" or "SIGINT" or "SIGHUP"
                ? $"was killed ({signal}, exit code {run.ExitCode})"
                : $"crashed ({signal}, exit code {run.ExitCode})";
        }
        return $"{failed}: {run.FirstError}";
    }

    /// <summary>What a user can do about it.</summary>
    public static string Advice(ToolRun run, ExternalTool tool)
    {
        var what = What(run);
        if (what.StartsWith("ran out of disk", StringComparison.Ordinal)) return "free some disk space and run again";
        if (what.StartsWith("was killed", StringComparison.Ordinal)) return "run again (if nobody stopped it, the machine may have run out of memory)";
        if (what.StartsWith("crashed", StringComparison.Ordinal))
            return $"run again; if it crashes again, reinstall the Debian package {tool.DebianPackage} and report the log";
        return "see the log";
    }

    /// <summary>
    /// Writes the run's command, exit code and output, followed by the tool's own log files,
    /// into <paramref name="logPath"/>, and returns the error to throw.
    /// </summary>
    /// <param name="failed">How a plain failure (the tool's own error) reads: "failed", "failed on the design".</param>
    public static UserError Report(string context, ExternalTool tool, ToolRun run, string logPath, IEnumerable<string> toolLogs, string failed = "failed")
    {
        string where;
        try
        {
            WriteLog(run, logPath, toolLogs);
            where = logPath;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            where = $"none, it could not be written to {logPath} ({e.Message})";
        }
        return new UserError($"{context}{tool.Executable} {What(run, failed)}; log: {where}; {Advice(run, tool)}");
    }

    public static void WriteLog(ToolRun run, string logPath, IEnumerable<string> toolLogs) => FailureLog.Write(logPath, log =>
    {
        log.WriteLine($"command: {run.Command}");
        log.WriteLine($"exit code: {run.ExitCode}");
        log.WriteLine("--- stdout ---");
        log.Write(run.Stdout);
        log.WriteLine("--- stderr ---");
        log.Write(run.Stderr);
        foreach (var file in toolLogs.Where(File.Exists))
        {
            log.WriteLine($"--- {Path.GetFileName(file)} ---");
            log.Write(File.ReadAllText(file));
        }
    });

    /// <summary>Whether a tool's output or an I/O error message says the disk (or the user's quota) is full.</summary>
    public static bool IsDiskFull(string text) =>
        text.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) || text.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase)
        // .NET's own wording when a preallocated file does not fit
        || text.Contains("because the disk was full", StringComparison.OrdinalIgnoreCase);

    private static string? SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        _ => null,
    };
}
