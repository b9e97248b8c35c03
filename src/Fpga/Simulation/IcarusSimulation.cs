using HwFlow.Sim.Tools;

namespace HwFlow.Fpga.Simulation;

/// <summary>
/// Compiles Verilog with Icarus (iverilog) and runs it (vvp): an event-driven simulator that
/// starts at once, the choice for short benches (see <see cref="VerilatorSimulation"/> for long ones).
/// </summary>
public sealed class IcarusSimulation(ExternalTool compiler, ExternalTool runtime) : IVerilogSimulation
{
    public static IcarusSimulation Default { get; } = new(Toolchain.Icarus, Toolchain.IcarusRuntime);

    public void EnsureUsable()
    {
        compiler.EnsureUsable();
        runtime.EnsureUsable();
    }

    public IReadOnlyList<string> Run(IReadOnlyList<string> sources, string top, string workingDirectory, string scratchFolder,
        string sentinel, TimeSpan timeout, CancellationToken cancel = default, IReadOnlyList<string>? defines = null,
        IReadOnlyList<string>? plusargs = null)
    {
        EnsureUsable();
        Directory.CreateDirectory(scratchFolder);
        var image = Path.Combine(scratchFolder, top + ".vvp");
        var defineArguments = (defines ?? []).Select(d => "-D" + d);
        var compile = compiler.Run(["-g2005", .. defineArguments, "-o", image, "-s", top, .. sources], workingDirectory, TimeSpan.FromMinutes(5), cancel);
        if (!compile.Succeeded)
            throw new SimulationFailedException($"iverilog could not compile {top}: {compile.FirstError}");
        var run = runtime.Run(["-n", image, .. (plusargs ?? []).Select(p => "+" + p)], workingDirectory, timeout, cancel);
        return SentinelOutput.Lines(run, $"{top} (Icarus, vvp)", sentinel);
    }
}
