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
/// Gate-level check of what `hwflow synth` built: the netlist yosys wrote after synth_ice40
/// (netlist.v) or, for xc7, synth_xilinx of the same RTL without SRL cells (see
/// <see cref="YosysScript.Xc7GateCheck"/>), simulated with yosys's
/// own cell models (ice40/cells_sim.v, xilinx/cells_sim.v with block RAMs from <see cref="Xc7BlockRamModels"/>) on frames of input (by Verilator unless
/// told otherwise: Icarus needs minutes per image on a whole network). What goes into the
/// bitstream, or into Vivado, must compute what the golden kernel computes.
/// </summary>
public static class PostSynthesisCheck
{
    /// <summary>Simulates the netlist in <paramref name="synthFolder"/> on <paramref name="frames"/>; returns the core's results in order.</summary>
    public static IReadOnlyList<AxisResult> Simulate(BuildFolder build, string synthFolder, IReadOnlyList<byte[]> frames,
        AxisBenchOptions options, string scratchFolder, FpgaTools? tools = null, IVerilogSimulation? simulator = null, CancellationToken cancel = default)
    {
        tools ??= FpgaTools.Default;
        var reportPath = Path.Combine(synthFolder, SynthReportWriter.JsonFile);
        if (!File.Exists(reportPath))
            throw UserError.In(synthFolder, $"no {SynthReportWriter.JsonFile} here; run hwflow synth --target ice40-up5k (or xc7) first");
        var report = SynthReportWriter.ReadJson(reportPath);
        if (report.Shell is not null)
            throw UserError.In(synthFolder, $"holds a {report.Target} + {report.Shell} netlist; the post-synthesis check needs the bare core");
        if (report.Target == FpgaTarget.Xc7.Name)
        {
            var verilog = Xc7NetlistVerilog(tools, build, scratchFolder, options.Timeout, cancel);
            var xc7Cells = Xc7BlockRamModels.WriteCellModels(tools, Path.Combine(scratchFolder, "xc7_cells_sim.v"));
            return AxisFrameBench.Run(simulator ?? VerilatorSimulation.Default, build, [verilog, xc7Cells], frames, options, scratchFolder, cancel);
        }
        var netlist = Path.Combine(synthFolder, YosysScript.NetlistVerilog);
        if (!report.Target.StartsWith("ice40", StringComparison.Ordinal) || !File.Exists(netlist))
            throw UserError.In(synthFolder, $"holds no {YosysScript.NetlistVerilog} of an iCE40 or xc7 netlist; run hwflow synth --target ice40-up5k first");
        var cells = tools.YosysDataFile("ice40/cells_sim.v");
        // The cell models give unconnected inputs default values with SystemVerilog syntax Icarus 11
        // cannot read; yosys's netlists connect every port, so the defaults can go.
        return AxisFrameBench.Run(simulator ?? VerilatorSimulation.Default, build, [netlist, cells], frames, options, scratchFolder, cancel,
            ["NO_ICE40_DEFAULT_ASSIGNMENTS"]);
    }

    /// <summary>
    /// The xc7 check synthesizes the build's RTL again without SRL cells (<see cref="YosysScript.Xc7GateCheck"/>:
    /// yosys 0.23 drops their clock enables; and with its 72-bit block RAM write parity corrected)
    /// and simulates that netlist; it is written into the scratch folder.
    /// </summary>
    private static string Xc7NetlistVerilog(FpgaTools tools, BuildFolder build, string scratchFolder, TimeSpan? timeout, CancellationToken cancel)
    {
        Directory.CreateDirectory(scratchFolder);
        var verilog = Path.GetFullPath(Path.Combine(scratchFolder, YosysScript.NetlistVerilog));
        var script = Path.Combine(scratchFolder, "gate-check.ys");
        // yosys 0.23 mis-wires RAMB36E1s written 72 bits wide (yosys pull request 5833); the check
        // simulates the corrected mapping, as Vivado builds it, so such memories do not fail it by yosys's fault.
        string? blockRamMap = null;
        var installedMap = tools.YosysDataFile(YosysScript.Xc7BlockRamMapFile);
        if (YosysScript.Xc7FixedBlockRamMap(File.ReadAllText(installedMap), Path.GetDirectoryName(installedMap)!) is { } fixedMap)
        {
            blockRamMap = Path.GetFullPath(Path.Combine(scratchFolder, "brams_xc6v_map.v"));
            File.WriteAllText(blockRamMap, fixedMap);
        }
        File.WriteAllText(script, YosysScript.Xc7GateCheck(new SynthDesign(build.Manifest.VerilogFiles, build.Manifest.Top, []), verilog, blockRamMap));
        var run = tools.Yosys.Run(["-q", "-l", Path.Combine(scratchFolder, "yosys.log"), "-s", script], build.Path, timeout, cancel);
        if (!run.Succeeded) throw new UserError($"yosys synth_xilinx for the gate-level check failed on {build.Path}: {run.FirstError}");
        return verilog;
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
