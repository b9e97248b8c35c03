using HwFlow.Runtime.Errors;
using HwFlow.Sim.Tools;

namespace HwFlow.Fpga.Simulation;

/// <summary>A simulation that did not finish as its testbench promised (compile error, crash, no sentinel), or whose core drove unknown bits.</summary>
/// <param name="Run">The simulator's run when it ended badly: its command, exit code and output, for a log.</param>
public sealed class SimulationFailedException(string message, ToolRun? run = null) : CheckFailure(message)
{
    public ToolRun? Run { get; } = run;
}

/// <summary>
/// A Verilog simulator that runs a self-checking testbench to its end. A run counts only when
/// the testbench printed its sentinel line: a crash or an early $finish is a failure even with
/// exit code 0. Every file the run needs goes into a scratch folder the caller owns.
/// </summary>
public interface IVerilogSimulation
{
    /// <summary>Throws a user error naming the Debian package when the simulator is missing.</summary>
    void EnsureUsable();

    /// <summary>
    /// Compiles <paramref name="sources"/> (full paths) with <paramref name="top"/> as the root and
    /// runs it in <paramref name="workingDirectory"/> (where `$readmemh` paths resolve) with
    /// <paramref name="plusargs"/> ("name=value", read by `$value$plusargs`). Returns the printed
    /// lines up to and including the sentinel line.
    /// </summary>
    IReadOnlyList<string> Run(IReadOnlyList<string> sources, string top, string workingDirectory, string scratchFolder,
        string sentinel, TimeSpan timeout, CancellationToken cancel = default, IReadOnlyList<string>? defines = null,
        IReadOnlyList<string>? plusargs = null);
}

internal static class SentinelOutput
{
    /// <param name="what">The simulation as a user should read it: the bench and the simulator (a Verilator model's path).</param>
    public static IReadOnlyList<string> Lines(ToolRun run, string what, string sentinel)
    {
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var end = lines.FindIndex(l => l.StartsWith(sentinel, StringComparison.Ordinal));
        if (!run.Succeeded || end < 0)
        {
            // A signal says more than the last line: a model that segfaults has printed nothing yet.
            var signal = ToolFailure.What(run);
            var how = signal.StartsWith("crashed", StringComparison.Ordinal) || signal.StartsWith("was killed", StringComparison.Ordinal)
                ? signal
                : $"ended without its sentinel '{sentinel}' (exit code {run.ExitCode})";
            var stderr = run.Stderr.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim();
            var last = lines.Count > 0 ? $"{lines.Count} lines printed, the last: {lines[^1]}"
                : stderr is null ? "nothing printed" : $"nothing printed but on stderr: {stderr}";
            throw new SimulationFailedException($"the simulation of {what} {how}; {last}", run);
        }
        return lines.Take(end + 1).ToList();
    }
}
