using System.Globalization;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga;

/// <summary>
/// 7-series estimate: yosys synth_xilinx (with the multiply-free check) counts LUTs, flip-flops,
/// block RAM and DSPs without placement or routing, and a Vivado script is written for those
/// who can run the real thing.
/// </summary>
internal sealed class Xc7Estimate(FpgaTools tools, FlowWorkspace work, FpgaTarget target, double clockMhz)
{
    private static readonly string[] LutTypes = ["LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"];
    private static readonly string[] FlipFlopTypes = ["FDRE", "FDSE", "FDCE", "FDPE", "LDCE", "LDPE"];
    private static readonly string[] LutRamPrefixes = ["RAM16", "RAM32", "RAM64", "RAM128", "RAM256", "SRL16", "SRLC16", "SRLC32"];

    private BuildManifest Manifest => work.Build.Manifest;

    /// <summary>The part the counts are put in proportion to and vivado.tcl defaults to: the compiled --device when it is a 7-series one.</summary>
    private Xc7Part Part => Xc7Part.Of(Manifest.Device) ?? Xc7Part.Default;

    public SynthReport Run()
    {
        var design = new SynthDesign(Manifest.VerilogFiles, Manifest.Top, []);
        var netlist = SynthesisStep.Run(tools, work, target, YosysScript.Xc7(design, work.Staging), Manifest.Top, "yosys synth_xilinx");
        File.WriteAllText(work.OutPath(VivadoScript.ScriptFile), VivadoScript.Tcl(Manifest, work.Final, Part.VivadoPart));
        File.WriteAllText(work.OutPath(VivadoScript.ConstraintFile), VivadoScript.Xdc(clockMhz));
        return Report(netlist);
    }

    private SynthReport Report(YosysNetlist netlist)
    {
        var bram36 = netlist.Count("RAMB36E1") + 0.5 * netlist.Count("RAMB18E1");
        List<ResourceUse> resources =
        [
            Use("LUT6", "LUT1..LUT6", LutTypes.Sum(netlist.Count)),
            Use("FF", "FDRE/FDSE/FDCE/FDPE", FlipFlopTypes.Sum(netlist.Count)),
            Use("BRAM36", "RAMB36E1 + RAMB18E1/2", bram36),
            Use("DSP48E1", "DSP48E1", netlist.Count("DSP48E1")),
            Use("LUTRAM", "RAM*/SRL*", netlist.CountWithPrefix(LutRamPrefixes)),
            Use("CARRY4", "CARRY4", netlist.Count("CARRY4")),
        ];
        return new SynthReport
        {
            Target = target.Name,
            Device = Part.VivadoPart,
            Model = Manifest.Model,
            Top = Manifest.Top,
            PlacedAndRouted = false,
            ClockMhz = clockMhz,
            CyclesPerFrame = Manifest.CyclesPerFrame,
            LatencyCycles = Manifest.LatencyCycles,
            FramesPerSecondAtClock = Math.Round(clockMhz * 1e6 / Manifest.CyclesPerFrame, 1),
            LatencyMicroseconds = Math.Round(Manifest.LatencyCycles / clockMhz, 3),
            Resources = resources,
            Layers = LayerResources.Of(netlist, work.Build.Path),
            ToolVersions = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["yosys"] = tools.Yosys.Version?.ToString() ?? "unknown" },
            Files = [],
            Commands = work.Commands,
            Notes =
            [
                "estimate: yosys synth_xilinx counts, without place and route; Vivado maps and packs differently (run vivado.tcl for its numbers)",
                "multiply-free: no $mul or $macc before technology mapping and no DSP48 after it",
                "yosys 0.23 maps chains of enabled flip-flops to SRL16E/SRLC32E with the enable tied high (yosys issue 6058): the counts hold (an SRL is one LUT either way, as Vivado maps it), but netlist.json is for counting, not for simulation; --check-netlist simulates a synthesis without SRLs",
                string.Create(CultureInfo.InvariantCulture, $"available counts are those of the {PartSaid}; no Fmax without place and route, so frames/s is at the requested {clockMhz:0.###} MHz"),
                .. ParityCopyNote(netlist),
            ],
        };
    }

    /// <summary>A note when yosys mis-wired a 72-bit written block RAM (<see cref="YosysNetlist.Sdp72ParityCopies"/>), else none.</summary>
    private static string[] ParityCopyNote(YosysNetlist netlist) => netlist.Sdp72ParityCopies.Count == 0 ? [] :
    [
        $"yosys 0.23 wires the upper parity inputs of a RAMB36E1 written 72 bits at a time to the lower ones (brams_xc6v_map.v tests PORT_W_WIDTH == 71; yosys pull request 5833, not in Debian's 0.23): {string.Join(", ", netlist.Sdp72ParityCopies)} store 4 of every 72 written bits as copies of 4 others, so netlist.json computes differently from the RTL; the counts hold (Vivado maps the RTL with the right wiring), and --check-netlist simulates the mapping with the test corrected",
    ];

    /// <summary>Which part the totals are for, and why that one.</summary>
    private string PartSaid => Manifest.Device switch
    {
        null => $"{Part.DeviceName} ({Part.VivadoPart}; the build was compiled without --device)",
        var d when Xc7Part.Of(d) is not null => $"{Part.DeviceName} ({Part.VivadoPart}), the device the build was compiled for (--device {Part.DeviceName})",
        var d => $"{Part.DeviceName} ({Part.VivadoPart}; the build was compiled for --device {d}, not a 7-series part)",
    };

    private ResourceUse Use(string name, string cell, double used) => new(name, cell, used, Part.Capacity.GetValueOrDefault(name));
}
