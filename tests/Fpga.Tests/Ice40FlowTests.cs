using HwFlow.Fpga;

namespace HwFlow.Fpga.Tests;

public sealed class Ice40FlowTests(SynthesizedTestCore core) : IClassFixture<SynthesizedTestCore>
{
    private SynthReport Report => core.Outcome.Report;

    [Fact]
    public void Writes_a_bitstream_and_both_reports_into_the_build_folder()
    {
        var folder = Path.Combine(core.Build.Path, "synth", "ice40-up5k");
        Assert.Equal(folder, core.Outcome.Folder);
        var bitstream = new FileInfo(Path.Combine(folder, "hwflow_top.bin"));
        Assert.True(bitstream.Exists && bitstream.Length > 100_000, $"bitstream missing or too short: {bitstream.FullName}");
        foreach (var file in new[] { "synth.json", "synth.md", "synth.ys", "netlist.json", "netlist.v", "hwflow_top.asc", "nextpnr-report.json" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        // Every file the report lists, and HwFlow's output marker (written when the folder is committed).
        Assert.Equal(Report.Files.Append(Runtime.IO.OutputMarker.FileName).Order(StringComparer.Ordinal), Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal));
        // Staged writing leaves no partial folder behind.
        Assert.Equal(["ice40-up5k"], Directory.EnumerateFileSystemEntries(Path.Combine(core.Build.Path, "synth")).Select(Path.GetFileName));
    }

    [Fact]
    public void Reports_utilisation_from_nextpnr_and_yosys()
    {
        Assert.Equal("ice40-up5k", Report.Target);
        Assert.True(Report.PlacedAndRouted);
        var luts = Report.Resource("LUT4")!;
        Assert.Equal("ICESTORM_LC", luts.Cell);
        Assert.InRange(luts.Used, 10, 200);
        Assert.Equal(5280, luts.Available);
        Assert.InRange(Report.Resource("FF")!.Used, 8, 40);
        Assert.Equal(1, Report.Resource("BRAM")!.Used);
        Assert.Equal(30, Report.Resource("BRAM")!.Available);
        Assert.Equal(0, Report.Resource("DSP")!.Used);
        Assert.Equal(8, Report.Resource("DSP")!.Available);
        Assert.Equal(0, Report.Resource("SPRAM")!.Used);
        Assert.Equal(0, Report.MultiplierCells);
    }

    [Fact]
    public void Reports_fmax_and_frames_per_second_from_cycles_per_frame()
    {
        Assert.Equal(24, Report.ClockMhz);
        Assert.True(Report.TimingMet);
        var fmax = Report.FmaxMhz!.Value;
        Assert.InRange(fmax, 24, 300);
        Assert.Equal(785, Report.CyclesPerFrame);
        Assert.Equal(Math.Round(fmax * 1e6 / 785, 1), Report.FramesPerSecond);
        Assert.Equal(Math.Round(24e6 / 785, 1), Report.FramesPerSecondAtClock);
        Assert.NotNull(Report.CriticalPath);
        Assert.Contains("(net ", Report.CriticalPath!.From);
    }

    [Fact]
    public void Synth_json_round_trips_and_markdown_states_the_numbers()
    {
        var folder = core.Outcome.Folder;
        var json = File.ReadAllText(Path.Combine(folder, "synth.json"));
        Assert.Equal(SynthReportWriter.Json(Report), json);
        var read = SynthReportWriter.ReadJson(Path.Combine(folder, "synth.json"));
        Assert.Equal(Report.FmaxMhz, read.FmaxMhz);
        Assert.Equal(Report.Resources, read.Resources);
        var markdown = File.ReadAllText(Path.Combine(folder, "synth.md"));
        Assert.Contains($"| LUT4 | ICESTORM_LC | {Report.Resource("LUT4")!.Used} | 5280 |", markdown);
        Assert.Contains("nextpnr-ice40 --up5k --package sg48 --json synth/ice40-up5k/netlist.json", markdown);
        Assert.DoesNotContain(".partial-", markdown + json);
        Assert.DoesNotContain(core.Temp.Path, markdown + json);
    }

    [Fact]
    public void The_kept_yosys_script_reproduces_the_netlist()
    {
        var folder = core.Outcome.Folder;
        var script = File.ReadAllText(Path.Combine(folder, "synth.ys"));
        Assert.Contains("synth_ice40 -top hwflow_top -run :flatten", script);
        Assert.Contains("select -assert-none t:$mul", script);
        Assert.Contains("-json synth/ice40-up5k/netlist.json", script);
        var netlist = Path.Combine(folder, "netlist.json");
        var before = File.ReadAllBytes(netlist);
        var run = Sim.Tools.Toolchain.Yosys.Run(["-q", "-s", "synth/ice40-up5k/synth.ys"], core.Build.Path);
        Assert.True(run.Succeeded, run.Stderr);
        Assert.Equal(before, File.ReadAllBytes(netlist));
    }

    [Fact]
    public void A_second_run_gives_byte_identical_outputs()
    {
        var first = core.Outcome.Folder;
        var saved = Path.Combine(core.Temp.Path, "first-run");
        Directory.CreateDirectory(saved);
        string[] deterministic = ["hwflow_top.bin", "hwflow_top.asc", "netlist.json", "netlist.v", "synth.json", "synth.md", "synth.ys", "nextpnr-report.json"];
        foreach (var file in deterministic) File.Copy(Path.Combine(first, file), Path.Combine(saved, file));
        new SynthFlow().Run(core.Build, new SynthOptions(FpgaTarget.Ice40Up5k));
        foreach (var file in deterministic)
            Assert.True(File.ReadAllBytes(Path.Combine(saved, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(first, file))), $"{file} differs between runs");
    }
}
