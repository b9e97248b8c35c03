using System.Globalization;
using System.Text;

namespace HwFlow.Fpga;

/// <summary>The Verilog to synthesize: files (relative to the build folder), the top module and its parameter overrides.</summary>
public sealed record SynthDesign(IReadOnlyList<string> VerilogFiles, string Top, IReadOnlyList<KeyValuePair<string, long>> Parameters);

/// <summary>
/// The yosys scripts of the flows. Each reads the design, elaborates it, runs the multiply-free
/// check on the still-hierarchical design, then finishes the vendor synthesis script and writes
/// the netlist. All paths are relative to the build folder, where yosys runs.
/// </summary>
public static class YosysScript
{
    public const string NetlistJson = "netlist.json";
    public const string NetlistVerilog = "netlist.v";
    public const string MultiplierReport = "multipliers.txt";

    /// <summary>iCE40: synth_ice40 in two halves around the check; also a Verilog netlist for gate-level simulation.</summary>
    public static string Ice40(SynthDesign design, string outputFolder)
    {
        var synth = $"synth_ice40 -top {design.Top}";
        var script = Begin(design, $"iCE40 synthesis of {design.Top}");
        script.AppendLine(synth + " -run :flatten");
        AppendCheck(script, outputFolder);
        script.AppendLine($"{synth} -run flatten: -json {Join(outputFolder, NetlistJson)}");
        script.AppendLine($"write_verilog -noattr {Join(outputFolder, NetlistVerilog)}");
        return script.ToString();
    }

    /// <summary>
    /// 7 series: synth_xilinx, flattened, without I/O or clock buffers (the core is counted out of
    /// context, as Vivado's -mode out_of_context would).
    /// </summary>
    public static string Xc7(SynthDesign design, string outputFolder)
    {
        var synth = Xc7Synth(design);
        var script = Begin(design, $"7-series synthesis estimate of {design.Top}");
        script.AppendLine(synth + " -run :prepare");
        script.AppendLine("proc");
        AppendCheck(script, outputFolder);
        script.AppendLine(synth + " -run prepare:");
        // abc leaves xc7 LUTs anonymous ($abc$...); synth_ice40 names cells after their nets itself. autoname does it
        // here, so a LUT's name starts with its instance path and the per-layer split in synth.md is not all "top level".
        script.AppendLine("autoname");
        script.AppendLine($"write_json {Join(outputFolder, NetlistJson)}");
        return script.ToString();
    }

    /// <summary>
    /// 7 series for the gate-level check (--check-netlist): <see cref="Xc7"/>'s synthesis without
    /// shift-register cells, written as Verilog. yosys 0.23's xilinx_srl maps a chain of enabled
    /// flip-flops to an SRL16E/SRLC32E whose enable is tied high (yosys issue 6058, fixed upstream in
    /// July 2026, not in Debian's 0.23), so the counted netlist shifts where the RTL holds; found by
    /// this check. Vivado infers its SRLs with their enables, and an SRL costs the same LUT whether
    /// enabled or not, so the counts stay those of the normal synthesis.
    /// </summary>
    /// <remarks>
    /// With <paramref name="blockRamMap"/> (<see cref="Xc7FixedBlockRamMap"/>'s file), synth_xilinx's
    /// map_memory step is run by hand with that block RAM techmap in place of yosys's: the same
    /// memory_libmap and LUT RAM techmap as synth_xilinx 0.23 runs for xc7 (the split script gives the
    /// very netlist synth_xilinx does with yosys's own map; YosysParityBugTests), so only the
    /// mis-wired 72-bit write parity changes.
    /// </remarks>
    public static string Xc7GateCheck(SynthDesign design, string verilogOut, string? blockRamMap = null)
    {
        var script = Begin(design, $"7-series synthesis of {design.Top} for the gate-level check (no SRLs: yosys issue 6058)");
        var synth = Xc7Synth(design) + " -nosrl";
        if (blockRamMap is null) script.AppendLine(synth);
        else
        {
            script.AppendLine(synth + " -run :map_memory");
            script.AppendLine("memory_libmap -logic-cost-rom 0.015625 -lib +/xilinx/lutrams_xc5v.txt -lib +/xilinx/brams_xc4v.txt -D HAS_SIZE_36 -D HAS_CASCADE -D HAS_CONFLICT_BUG -D HAS_MIXWIDTH_SDP");
            script.AppendLine("techmap -map +/xilinx/lutrams_xc5v_map.v");
            script.AppendLine($"techmap -map {blockRamMap}");
            script.AppendLine(synth + " -run map_ffram:");
        }
        script.AppendLine($"write_verilog -noattr {verilogOut}");
        return script.ToString();
    }

    /// <summary>
    /// yosys 0.23's 7-series block RAM techmap (xilinx/brams_xc6v_map.v) with its one known wrong
    /// test corrected: DIPBDIP of a RAMB36E1 written 72 bits wide is chosen by PORT_W_WIDTH == 71,
    /// never true, so it repeats DIPADIP (yosys pull request 5833; <see cref="YosysNetlist.Sdp72ParityCopies"/>).
    /// Null when the installed file does not have that line (a fixed yosys): then its own map serves.
    /// The corrected copy lives elsewhere, so its includes name <paramref name="installedFolder"/>.
    /// </summary>
    public static string? Xc7FixedBlockRamMap(string installedMap, string installedFolder)
    {
        const string wrong = "PORT_W_WIDTH == 71 ? DIP[7:4]";
        var at = installedMap.IndexOf(wrong, StringComparison.Ordinal);
        if (at < 0 || installedMap.IndexOf(wrong, at + 1, StringComparison.Ordinal) >= 0) return null;
        return installedMap.Replace(wrong, "PORT_W_WIDTH == 72 ? DIP[7:4]", StringComparison.Ordinal)
            .Replace("`include \"", $"`include \"{installedFolder.TrimEnd('/')}/", StringComparison.Ordinal);
    }

    /// <summary>The installed yosys file <see cref="Xc7FixedBlockRamMap"/> corrects.</summary>
    public const string Xc7BlockRamMapFile = "xilinx/brams_xc6v_map.v";

    /// <summary>The synth_xilinx command both 7-series scripts run, so the checked netlist is synthesized as the counted one.</summary>
    private static string Xc7Synth(SynthDesign design) => $"synth_xilinx -top {design.Top} -family xc7 -flatten -noiopad -noclkbuf";

    private static StringBuilder Begin(SynthDesign design, string title)
    {
        var script = new StringBuilder();
        script.AppendLine($"# hwflow synth: {title}; run from the build folder with yosys -s");
        script.AppendLine("read_verilog " + string.Join(' ', design.VerilogFiles));
        foreach (var (name, value) in design.Parameters)
            script.AppendLine(string.Create(CultureInfo.InvariantCulture, $"chparam -set {name} {value} {design.Top}"));
        return script;
    }

    private static void AppendCheck(StringBuilder script, string outputFolder)
    {
        // opt_expr first: it rewrites a product with a power of two as a shift, which is no multiplier.
        script.AppendLine("opt_expr");
        foreach (var line in MultiplierCheck.YosysCommands(Join(outputFolder, MultiplierReport)))
            script.AppendLine(line);
    }

    private static string Join(string folder, string file) => folder.Length == 0 ? file : folder.TrimEnd('/') + "/" + file;
}
