using HwFlow.Sim.Tools;

namespace HwFlow.Fpga.Simulation;

/// <summary>A simulation that did not finish as its testbench promised (compile error, no sentinel, timeout).</summary>
public sealed class SimulationFailedException(string message) : Exception(message);

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
    public static IReadOnlyList<string> Lines(ToolRun run, string top, string sentinel)
    {
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var end = lines.FindIndex(l => l.StartsWith(sentinel, StringComparison.Ordinal));
        if (!run.Succeeded || end < 0)
        {
            var last = lines.Count > 0 ? lines[^1] : run.FirstError;
            throw new SimulationFailedException($"the simulation of {top} ended without its sentinel '{sentinel}' (exit code {run.ExitCode}); last line: {last}");
        }
        return lines.Take(end + 1).ToList();
    }
}
