using System.Globalization;
using HwFlow.Runtime.Errors;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga;

/// <summary>
/// iCE40 bitstream flow: yosys synth_ice40 (with the multiply-free check) -> nextpnr-ice40 with a
/// clock constraint -> icepack. Fails with one line when the design has a multiplier, does not
/// fit, or misses the clock; otherwise returns the report of area, Fmax and throughput.
/// </summary>
internal sealed class Ice40Flow(FpgaTools tools, FlowWorkspace work, FpgaTarget target, double clockMhz, BoardShell? shell)
{
    public const string NextpnrReportFile = "nextpnr-report.json";
    public const string PackedReportFile = "nextpnr-packed.json";

    private BuildManifest Manifest => work.Build.Manifest;

    private string Top => shell?.TopModule ?? Manifest.Top;

    public SynthReport Run()
    {
        var script = YosysScript.Ice40(ShellDesign(), work.Staging);
        var netlist = SynthesisStep.Run(tools, work, target, script, Top, "yosys synth_ice40");
        var routed = PlaceAndRoute(netlist);
        var pack = work.Run(tools.Icepack, "icepack", [work.Out(Top + ".asc"), work.Out(Top + ".bin")]);
        if (!pack.Succeeded) throw work.Failure(target.Name, tools.Icepack, pack);
        return Report(netlist, routed);
    }

    /// <summary>The core alone, or the core inside the board shell (whose files are written into the output folder).</summary>
    private SynthDesign ShellDesign()
    {
        if (shell is null) return new SynthDesign(Manifest.VerilogFiles, Manifest.Top, []);
        HdlLibrary.WriteTo(work.OutPath("shell"), shell.VerilogFiles.Append(shell.ConstraintFile));
        var files = Manifest.VerilogFiles.Concat(shell.VerilogFiles.Select(f => work.Out("shell/" + f))).ToList();
        return new SynthDesign(files, shell.TopModule, shell.Parameters(Manifest));
    }

    private NextpnrReport PlaceAndRoute(YosysNetlist netlist)
    {
        List<string> common = [.. target.NextpnrDeviceArguments, "--json", work.Out(YosysScript.NetlistJson)];
        if (shell is not null) common.AddRange(["--pcf", work.Out("shell/" + shell.ConstraintFile)]);
        var reportPath = work.OutPath(NextpnrReportFile);
        var run = work.Run(tools.Nextpnr, "nextpnr-ice40",
        [
            .. common,
            "--freq", clockMhz.ToString("0.###", CultureInfo.InvariantCulture),
            "--seed", "1",
            "--asc", work.Out(Top + ".asc"),
            "--report", work.Out(NextpnrReportFile),
            "-q", "-l", work.Out("nextpnr.log"),
        ]);
        if (run.Succeeded) return RequireTiming(NextpnrReport.Load(reportPath), netlist);
        if (File.Exists(reportPath)) RequireTiming(NextpnrReport.Load(reportPath), netlist);
        var failure = run.Stderr + run.Stdout;
        if (FitCheck.PlacementGaveUp(failure))
        {
            // Placement gave up; nextpnr's report after packing alone says what overflowed by how much.
            var packRun = work.Run(tools.Nextpnr, "nextpnr-ice40 pack", [.. common, "--pack-only", "--report", work.Out(PackedReportFile), "-q"]);
            if (packRun.Succeeded && NextpnrReport.Load(work.OutPath(PackedReportFile)) is var packed && (FitCheck.Error(packed, target) ?? FitCheck.AtLimit(packed, target)) is { } fit)
                throw shell is null && DeviceEstimate.For(work.Build.Path, target) is { } estimate ? estimate.ModelBug(fit) : fit;
        }
        throw work.Failure(target.Name, tools.Nextpnr, run);
    }

    private NextpnrReport RequireTiming(NextpnrReport report, YosysNetlist netlist)
    {
        var missed = report.Clocks.FirstOrDefault(c => !c.Met);
        if (missed is null) return report;
        var clock = NextpnrReport.UserClockName(missed.Clock);
        var path = report.CriticalPathOf(missed.Clock) is { } p ? $"; critical path ({Ns(p.DelayNs)}) from {Describe(p.Source, netlist)} to {Describe(p.Sink, netlist)}" : "";
        var suggestion = Math.Floor(missed.AchievedMhz * 10) / 10;
        var advice = shell is null
            ? $"rerun with --clock-mhz {suggestion.ToString("0.#", CultureInfo.InvariantCulture)} or lower"
            : "the board clock is fixed, so the core itself must get faster";
        throw new UserError(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name}: timing not met: clock {clock} reaches {missed.AchievedMhz:0.00} MHz, the target is {missed.ConstraintMhz:0.###} MHz{path}; {advice}"));
    }

    /// <summary>A path end for people: the cell and port nextpnr names, and the net with its place in the Verilog.</summary>
    // Source locations of shell files point into the staging folder; say where they will be.
    private string Describe(PathEnd end, YosysNetlist netlist)
    {
        var net = end.Net is null ? "" : netlist.SourceOfNet(end.Net) is { } src ? $" (net {end.Net}, {src})" : $" (net {end.Net})";
        return work.AsFinal($"{end.Cell}.{end.Port}{net}");
    }

    private static string Ns(double ns) => ns.ToString("0.00", CultureInfo.InvariantCulture) + " ns";

    private SynthReport Report(YosysNetlist netlist, NextpnrReport routed)
    {
        var clock = routed.Clocks.OrderBy(c => c.AchievedMhz).FirstOrDefault();
        double? fmax = clock is null ? null : Math.Round(clock.AchievedMhz, 2);
        var lc = routed.Resource("ICESTORM_LC");
        var resources = new List<ResourceUse>
        {
            new("LUT4", "ICESTORM_LC", lc.Used, lc.Available),
            new("FF", "SB_DFF*", netlist.CountWithPrefix("SB_DFF"), lc.Available),
            Use(routed, "BRAM", "ICESTORM_RAM"),
        };
        if (routed.Resource("ICESTORM_SPRAM").Available > 0) resources.Add(Use(routed, "SPRAM", "ICESTORM_SPRAM"));
        if (routed.Resource("ICESTORM_DSP").Available > 0) resources.Add(Use(routed, "DSP", "ICESTORM_DSP"));
        resources.Add(new ResourceUse("IO", "SB_IO", routed.Resource("SB_IO").Used, null));

        var path = clock is null ? null : routed.CriticalPathOf(clock.Clock);
        var notes = new List<string>
        {
            "multiply-free: no $mul or $macc before technology mapping and no SB_MAC16 after it",
            "LUT4 counts nextpnr's logic cells (each a LUT4, a flip-flop and carry logic); FF counts yosys's SB_DFF* cells",
        };
        if (shell is null && DeviceEstimate.For(work.Build.Path, target) is { } estimate)
            notes.Add(estimate.Against(lc.Used, routed.Resource("ICESTORM_RAM").Used));
        notes.Add(shell is null
            ? "no board shell: the I/O pins were placed automatically, so this bitstream shows area and timing only (use --shell icebreaker for a board)"
            : string.Create(CultureInfo.InvariantCulture,
                $"{shell.Description}; the UART bounds the board at about {1 / shell.UartSecondsPerFrame(Manifest):0.#} frames/s"));
        return new SynthReport
        {
            Target = target.Name,
            Device = target.Device,
            Model = Manifest.Model,
            Top = Top,
            Shell = shell?.Name,
            PlacedAndRouted = true,
            ClockMhz = clockMhz,
            FmaxMhz = fmax,
            TimingMet = clock?.Met,
            CyclesPerFrame = Manifest.CyclesPerFrame,
            LatencyCycles = Manifest.LatencyCycles,
            FramesPerSecond = fmax is { } f ? Math.Round(f * 1e6 / Manifest.CyclesPerFrame, 1) : null,
            FramesPerSecondAtClock = Math.Round(clockMhz * 1e6 / Manifest.CyclesPerFrame, 1),
            LatencyMicroseconds = fmax is { } g ? Math.Round(Manifest.LatencyCycles / g, 3) : null,
            Resources = resources,
            CriticalPath = path is null ? null : new CriticalPathSummary(Describe(path.Source, netlist), Describe(path.Sink, netlist), Math.Round(path.DelayNs, 2)),
            Layers = shell is null ? LayerResources.Of(netlist, work.Build.Path) : null,
            ToolVersions = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["yosys"] = tools.Yosys.Version?.ToString() ?? "unknown",
                ["nextpnr-ice40"] = tools.Nextpnr.Version?.ToString() ?? "unknown",
            },
            Files = [],
            Commands = work.Commands,
            Notes = notes,
        };
    }

    private static ResourceUse Use(NextpnrReport report, string name, string belType)
    {
        var count = report.Resource(belType);
        return new ResourceUse(name, belType, count.Used, count.Available);
    }
}
