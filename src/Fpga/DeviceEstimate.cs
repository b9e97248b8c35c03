using System.Globalization;
using System.Text.Json;
using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga;

/// <summary>
/// What `compile --device` estimated for the device a build was folded for (report.json's
/// deviceFit): `hwflow synth` on the same device holds place and route against it, so a design
/// the model said fits but the device rejects is reported as the model's bug, with both numbers.
/// </summary>
public sealed record DeviceEstimate(string Device, long EstimatedLuts, long LutBudget, long DeviceLuts, int BlockRams, int DeviceBlockRams)
{
    /// <summary>Logic cells estimated (builds from before the cell estimate have none).</summary>
    public long? EstimatedCells { get; init; }

    /// <summary>The estimate in <paramref name="buildFolder"/>'s report.json when it was compiled for <paramref name="target"/>; otherwise null.</summary>
    public static DeviceEstimate? For(string buildFolder, FpgaTarget target)
    {
        var path = Path.Combine(buildFolder, "report.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("deviceFit", out var fit) || fit.ValueKind != JsonValueKind.Object) return null;
            var estimate = new DeviceEstimate(fit.GetProperty("device").GetString()!, fit.GetProperty("estimatedLuts").GetInt64(), fit.GetProperty("lutBudget").GetInt64(),
                fit.GetProperty("deviceLuts").GetInt64(), fit.GetProperty("blockRams").GetInt32(), fit.GetProperty("deviceBlockRams").GetInt32());
            if (fit.TryGetProperty("estimatedCells", out var cells) && cells.ValueKind == JsonValueKind.Number) estimate = estimate with { EstimatedCells = cells.GetInt64() };
            return string.Equals(estimate.Device, target.Name, StringComparison.OrdinalIgnoreCase) ? estimate : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null; // a report from another HwFlow version: nothing to hold the result against
        }
    }

    /// <summary>What the estimate said, for a report line.</summary>
    public string Said => string.Create(CultureInfo.InvariantCulture,
        $"compile --device {Device} estimated {EstimatedLuts:N0} LUTs (budget {LutBudget:N0} of {DeviceLuts:N0}), {(EstimatedCells is { } c ? $"{c:N0} logic cells, " : "")}{BlockRams} of {DeviceBlockRams} block RAMs");

    /// <summary><paramref name="doesNotFit"/> (place and route's overflow) restated as the model's bug, both numbers side by side.</summary>
    public UserError ModelBug(UserError doesNotFit) => new(
        $"{doesNotFit.Message}. This is a HwFlow resource-model bug: {Said}, so it should have fit; place and route's numbers are the ones above. "
        + "Please report it with this build's report.json; meanwhile compile with a lower --target-fps (or --max-luts) for this device", doesNotFit);

    /// <summary>Estimate beside placed counts, for synth.md.</summary>
    public string Against(long placedCells, long placedBlockRams) => string.Create(CultureInfo.InvariantCulture,
        $"{Said}; placed {placedCells:N0} logic cells ({Percent(placedCells, EstimatedCells ?? EstimatedLuts)} of the {(EstimatedCells is null ? "LUT" : "cell")} estimate) and {placedBlockRams} block RAMs");

    private static string Percent(long placed, long estimate) => estimate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * placed / estimate:0}%") : "n/a";
}
