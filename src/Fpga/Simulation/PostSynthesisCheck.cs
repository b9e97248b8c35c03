using System.Numerics;
using HwFlow.Runtime.Errors;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Simulation;

/// <summary>A result that differs from the expected one; <see cref="Missing"/> stands for a result that never came (or was never expected).</summary>
public sealed record OutputMismatch(int Frame, BigInteger Expected, BigInteger Actual)
{
    /// <summary>No value: results are unsigned, so -1 is never one.</summary>
    public static readonly BigInteger Missing = BigInteger.MinusOne;
}

/// <summary>
/// Gate-level check of what `hwflow synth --target ice40-*` built: the netlist yosys wrote after
/// synth_ice40 (netlist.v), simulated with yosys's own iCE40 cell models (ice40/cells_sim.v) on
/// frames of input (by Verilator unless told otherwise: Icarus needs minutes per image on a
/// whole network). What goes into the bitstream must compute what the golden kernel computes.
/// </summary>
public static class PostSynthesisCheck
{
    /// <summary>Simulates the netlist in <paramref name="synthFolder"/> on <paramref name="frames"/>; returns the core's results in order.</summary>
    public static IReadOnlyList<AxisResult> Simulate(BuildFolder build, string synthFolder, IReadOnlyList<byte[]> frames,
        AxisBenchOptions options, string scratchFolder, FpgaTools? tools = null, IVerilogSimulation? simulator = null, CancellationToken cancel = default)
    {
        tools ??= FpgaTools.Default;
        var netlist = Path.Combine(synthFolder, YosysScript.NetlistVerilog);
        var reportPath = Path.Combine(synthFolder, SynthReportWriter.JsonFile);
        if (!File.Exists(netlist) || !File.Exists(reportPath))
            throw UserError.In(synthFolder, $"no {YosysScript.NetlistVerilog} and {SynthReportWriter.JsonFile} here; run hwflow synth --target ice40-up5k first");
        var report = SynthReportWriter.ReadJson(reportPath);
        if (!report.Target.StartsWith("ice40", StringComparison.Ordinal) || report.Shell is not null)
            throw UserError.In(synthFolder, $"holds a {report.Target}{(report.Shell is null ? "" : " + " + report.Shell)} netlist; the post-synthesis check needs the bare core on an iCE40 target");
        var cells = tools.YosysDataFile("ice40/cells_sim.v");
        // The cell models give unconnected inputs default values with SystemVerilog syntax Icarus 11
        // cannot read; yosys's netlists connect every port, so the defaults can go.
        return AxisFrameBench.Run(simulator ?? VerilatorSimulation.Default, build, [netlist, cells], frames, options, scratchFolder, cancel,
            ["NO_ICE40_DEFAULT_ASSIGNMENTS"]);
    }

    /// <summary>Results that differ from <paramref name="expected"/> (a missing or extra result counts too).</summary>
    public static IReadOnlyList<OutputMismatch> Compare(IReadOnlyList<AxisResult> results, IReadOnlyList<BigInteger> expected)
    {
        var mismatches = new List<OutputMismatch>();
        for (var i = 0; i < Math.Max(results.Count, expected.Count); i++)
        {
            var actual = i < results.Count ? results[i].Value : OutputMismatch.Missing;
            var wanted = i < expected.Count ? expected[i] : OutputMismatch.Missing;
            if (actual != wanted || (i < results.Count && results[i].Frame != i)) mismatches.Add(new OutputMismatch(i, wanted, actual));
        }
        return mismatches;
    }
}
