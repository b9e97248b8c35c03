using System.Globalization;
using System.Text;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga;

/// <summary>
/// A Vivado batch script (non-project mode) for users who have Vivado: synthesis, placement and
/// routing of the core out of context on a 7-series part, with utilisation and timing reports.
/// HwFlow writes it but never runs it. It changes into the build folder first, so the
/// Verilog's `$readmemh` paths resolve exactly as they do for yosys.
/// </summary>
public static class VivadoScript
{
    public const string ScriptFile = "vivado.tcl";
    public const string ConstraintFile = "hwflow_top.xdc";

    /// <param name="outputFolder">The synth folder relative to the build folder, e.g. "synth/xc7".</param>
    public static string Tcl(BuildManifest manifest, string outputFolder, string defaultPart)
    {
        var up = string.Join('/', outputFolder.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(_ => ".."));
        var tcl = new StringBuilder();
        tcl.AppendLine($"# Vivado script for {manifest.Model} ({manifest.Top}), written by hwflow synth --target xc7; HwFlow does not run it.");
        tcl.AppendLine("# Usage: vivado -mode batch -source vivado.tcl [-tclargs PART]");
        tcl.AppendLine($"# Synthesizes, places and routes the core out of context (no pins) on PART (default {defaultPart}),");
        tcl.AppendLine("# then writes utilisation and timing reports next to this script.");
        tcl.AppendLine($"set part [expr {{$argc > 0 ? [lindex $argv 0] : \"{defaultPart}\"}}]");
        tcl.AppendLine("set here [file dirname [file normalize [info script]]]");
        tcl.AppendLine($"cd [file normalize [file join $here {up}]]");
        foreach (var file in manifest.VerilogFiles)
            tcl.AppendLine($"read_verilog {{{file}}}");
        tcl.AppendLine($"read_xdc -mode out_of_context [file join $here {ConstraintFile}]");
        tcl.AppendLine($"synth_design -top {manifest.Top} -part $part -mode out_of_context");
        tcl.AppendLine("report_utilization -file [file join $here vivado-utilization-synth.txt]");
        tcl.AppendLine("opt_design");
        tcl.AppendLine("place_design");
        tcl.AppendLine("route_design");
        tcl.AppendLine("report_utilization -file [file join $here vivado-utilization.txt]");
        tcl.AppendLine("report_timing_summary -file [file join $here vivado-timing.txt]");
        tcl.AppendLine("write_checkpoint -force [file join $here hwflow_top_routed.dcp]");
        return tcl.ToString();
    }

    /// <summary>The clock constraint: the manifest's (or the requested) clock on the core's clk port.</summary>
    public static string Xdc(double clockMhz) =>
        string.Create(CultureInfo.InvariantCulture, $"create_clock -name clk -period {1000 / clockMhz:0.###} [get_ports clk]\n");
}
