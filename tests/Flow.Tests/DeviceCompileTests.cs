using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Rtl;
using System.Globalization;
using System.Text.Json;
using HwFlow.Runtime.IO;

namespace HwFlow.Flow.Tests;

/// <summary>
/// `compile --device`: the folding is chosen for the device's LUT budget and block RAMs, the
/// hardware is shaped for its logic cell, and the fit is recorded in the build report.
/// </summary>
public sealed class DeviceCompileTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("fmnist-tiny", "ice40-up5k")]
    [InlineData("fmnist-tiny", "ice40-hx8k")]
    [InlineData("mnist-bnn-mlp", "xc7a35t")]
    public void A_design_folded_for_a_device_fits_it_by_the_estimate(string example, string deviceName)
    {
        var device = Device.Parse(deviceName);
        var build = _dir.File($"{example}-{deviceName}");
        var compiled = Steps.Compile(new CompileRequest(RepoPaths.Example(example), OutputFolder.Chosen(build, force: false)) { Device = deviceName });

        var fit = compiled.Report.DeviceFit ?? throw new Xunit.Sdk.XunitException("no device fit in the report");
        Assert.Equal(deviceName, fit.Device);
        Assert.InRange(fit.EstimatedLuts, 1, device.LutBudget);
        Assert.InRange(fit.BlockRams, 0, device.BlockRams);
        // the fit is the count of the RTL the build holds, not the folding's parametric estimate
        var counted = RtlResourceCount.Of(RtlParser.ReadFile(Path.Combine(build, "design.rtl")), device.Fabric);
        Assert.Equal(DeviceFit.Of(device, counted, fit.BlockRams), fit);
        var manifest = File.ReadAllText(Path.Combine(build, "hwflow-build.json"));
        Assert.Contains(device.Fabric == LogicFabric.Lut4 ? "lut4" : "lut6", manifest, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The parametric LUT budget gives the search its first guess; the count of the RTL decides,
    /// and where it says more fits the search goes faster, never slower.
    /// </summary>
    [Fact]
    public void Where_the_block_rams_fit_the_device_folding_is_at_least_as_fast_as_its_lut_budget_gives()
    {
        // the xc7a35t has 100 block RAMs, more than fmnist-tiny needs at any pace (on the hx8k the fastest pace needs more than its 32, so it runs at half pace)
        var device = Device.Parse("xc7a35t");
        var byDevice = Steps.Compile(new CompileRequest(RepoPaths.Example("fmnist-tiny"), OutputFolder.Chosen(_dir.File("d"), force: false)) { Device = device.Name });
        // --device also picks the stream width; the LUT budget alone is compared at the width it picked
        int width = BuildFolder.Open(_dir.File("d")).Manifest.InputWidth;
        var byBudget = Steps.Compile(new CompileRequest(RepoPaths.Example("fmnist-tiny"), OutputFolder.Chosen(_dir.File("b"), force: false)) { MaxLuts = device.LutBudget, InputWidth = width });
        Assert.True(byDevice.Report.CyclesPerFrame <= byBudget.Report.CyclesPerFrame, $"{byDevice.Report.CyclesPerFrame} cycles per frame by --device, {byBudget.Report.CyclesPerFrame} by the LUT budget");
        Assert.InRange(byDevice.Report.DeviceFit!.EstimatedLuts, 1, device.LutBudget);
    }

    /// <summary>
    /// The folding table of a `--device` build shows the RTL count the fit was decided by, not the
    /// parametric estimate (which was 10x the count on TFC_1W1A's xc7a100t design): the rows of
    /// report.json and of report.md's table add up to the fit's LUTs and block RAMs; report.md
    /// puts the parametric estimate per part beside it, once.
    /// </summary>
    [Theory]
    [InlineData("fmnist-wht", "xc7a100t")]
    [InlineData("fmnist-tiny", "ice40-up5k")]
    public void A_device_builds_folding_table_shows_the_counted_resources_the_fit_states(string example, string deviceName)
    {
        var device = Device.Parse(deviceName);
        var build = _dir.File($"{example}-{deviceName}");
        var compiled = Steps.Compile(new CompileRequest(RepoPaths.Example(example), OutputFolder.Chosen(build, force: false)) { Device = deviceName });
        var fit = compiled.Report.DeviceFit!;

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(build, BuildWriter.ReportJson)));
        var folding = json.RootElement.GetProperty("folding");
        Assert.Equal(device.Fabric == LogicFabric.Lut6 ? "LUT6" : "LUT4", folding.GetProperty("counted").GetString());
        var rows = folding.GetProperty("layers").EnumerateArray().Concat(folding.GetProperty("otherStages").EnumerateArray()).ToList();
        Assert.Equal(fit.EstimatedLuts, rows.Sum(r => r.GetProperty("luts").GetInt64()));
        Assert.Equal(fit.EstimatedLuts, folding.GetProperty("luts").GetInt64());
        Assert.Equal(fit.BlockRams, rows.Sum(r => r.TryGetProperty("blockRams", out var b) ? b.GetInt32() : 0));
        // each layer's row is what the counted choice prices it at: its instances' count
        var counted = RtlResourceCount.Of(RtlParser.ReadFile(Path.Combine(build, "design.rtl")), device.Fabric);
        foreach (var layer in folding.GetProperty("layers").EnumerateArray())
        {
            var instances = Compiler.Hardware.HardwareGenerator.LayerInstances(layer.GetProperty("name").GetString()!);
            var mine = counted.Where(p => instances.Contains(p.Instance)).ToList();
            Assert.InRange(layer.GetProperty("luts").GetInt64() - mine.Sum(p => RtlResourceCoefficients.Luts(p, device.Fabric) + p.LutMemory), -1.0, 1.0);
            Assert.Equal(mine.Sum(p => (long)p.Ffs), layer.GetProperty("ffs").GetInt64());
        }

        // report.md's table says the same, labelled as counted
        var md = File.ReadAllLines(Path.Combine(build, BuildWriter.ReportMarkdown));
        int header = Array.FindIndex(md, l => l.StartsWith("| layer |", StringComparison.Ordinal));
        var columns = md[header].Split('|').Select(c => c.Trim()).ToList();
        int lutColumn = columns.IndexOf($"{(device.Fabric == LogicFabric.Lut6 ? "LUT6" : "LUT4")} (counted)");
        Assert.True(lutColumn > 0, md[header]);
        var table = md.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(l => l.Split('|').Select(c => c.Trim()).ToList()).ToList();
        long Number(string cell) => long.TryParse(cell, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) ? n : 0;
        Assert.Equal(fit.EstimatedLuts, table.Where(r => r[1] != "total").Sum(r => Number(r[lutColumn])));
        Assert.Equal(fit.EstimatedLuts, Number(table.Single(r => r[1] == "total")[lutColumn]));

        // the count is not repeated in a section of its own; what only that section said, the parametric estimate per part, is there, adding up to the total the report names
        Assert.DoesNotContain("## Resources counted from the RTL", md);
        int estimate = Array.IndexOf(md, "## Parametric estimate, per part");
        Assert.True(estimate > header, "no parametric estimate section after the folding table");
        var estimated = md.Skip(estimate).SkipWhile(l => !l.StartsWith("| part |", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToList()).ToList();
        long parametric = folding.GetProperty("parametricLuts").GetInt64();
        Assert.Equal(parametric, estimated.Where(r => r[1] != "total").Sum(r => Number(r[2])));
        Assert.Equal(parametric, Number(estimated.Single(r => r[1] == "total")[2]));
    }

    /// <summary>
    /// The device search says how far it is as the compile bar's status (a terminal shows it as the
    /// bar's caption, not as lines inside the bar): after every design, counting up, between the
    /// steps that lead to it and follow it, and not as notes.
    /// </summary>
    [Fact]
    public void The_device_search_reports_its_designs_as_the_compile_bars_status()
    {
        var progress = new RecordingProgress();
        Steps.Compile(new CompileRequest(RepoPaths.Example("fmnist-tiny"), OutputFolder.Chosen(_dir.File("b"), force: false)) { Device = "ice40-up5k" }, progress);

        var reports = progress.Reports.ToList();
        var statuses = reports.Select((r, i) => (r, i)).Where(x => x.r.StartsWith("compile status: compile --device ice40-up5k: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(statuses);
        var counts = statuses.Select(x => int.Parse(x.r.Split(": ")[2].Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, counts.Count), counts);
        Assert.True(statuses[0].i > reports.IndexOf("compile: 2/5") && statuses[^1].i < reports.IndexOf("compile: 3/5"), string.Join("\n", reports));
        Assert.All(reports, r => Assert.Matches("^compile(: | status: )", r));
    }
}
