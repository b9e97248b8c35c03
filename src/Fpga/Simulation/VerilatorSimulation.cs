using HwFlow.Sim.Tools;
using HwFlow.Sim.Verilator;

namespace HwFlow.Fpga.Simulation;

/// <summary>
/// Runs a self-checking testbench as a Verilator model built by the simulator's Verilator
/// adapter (<see cref="VerilatorBuild.EnsureTestbench"/>: its flags, version floor and
/// content-hash cache), so a bench that takes its stimulus as plusargs is built once per design.
/// Building costs some 20 s, after which it runs gate-level netlists about 300 times faster than
/// Icarus: the choice for long benches such as a synthesized network on a hundred images.
/// </summary>
/// <param name="onModel">Told which model each run used (built now or from the cache).</param>
public sealed class VerilatorSimulation(Action<VerilatorModel>? onModel = null) : IVerilogSimulation
{
    public static VerilatorSimulation Default { get; } = new();

    public void EnsureUsable() => VerilatorBuild.EnsureUsable();

    public IReadOnlyList<string> Run(IReadOnlyList<string> sources, string top, string workingDirectory, string scratchFolder,
        string sentinel, TimeSpan timeout, CancellationToken cancel = default, IReadOnlyList<string>? defines = null,
        IReadOnlyList<string>? plusargs = null)
    {
        var model = VerilatorBuild.EnsureTestbench(top, sources, defines ?? [], cancel);
        onModel?.Invoke(model);
        var run = ExternalTool.RunProgram(model.Binary, top, [.. (plusargs ?? []).Select(p => "+" + p)], workingDirectory, timeout, cancel);
        return SentinelOutput.Lines(run, $"{top} (Verilator model {model.Binary})", sentinel);
    }
}
