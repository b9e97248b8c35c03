using System.Globalization;
using System.Text.Json;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga;

/// <summary>
/// What `compile --device` estimated for the device a build was folded for (report.json's
/// deviceFit, read back as the <see cref="DeviceFit"/> the compiler wrote): `hwflow synth` on the
/// same device holds place and route against it, so a design the model said fits but the device
/// rejects is reported as the model's bug, with both numbers.
/// </summary>
public sealed record DeviceEstimate(DeviceFit Fit)
{
    // A report without one of DeviceFit's fields is from another HwFlow version: not read as zeros.
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true };

    /// <summary>The estimate in <paramref name="buildFolder"/>'s report.json when it was compiled for <paramref name="target"/>; otherwise null.</summary>
    public static DeviceEstimate? For(string buildFolder, FpgaTarget target)
    {
        var path = Path.Combine(buildFolder, "report.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("deviceFit", out var element) || element.ValueKind != JsonValueKind.Object) return null;
            var fit = element.Deserialize<DeviceFit>(Json);
            return fit is not null && string.Equals(fit.Device, target.Name, StringComparison.OrdinalIgnoreCase) ? new DeviceEstimate(fit) : null;
        }
        catch (JsonException)
        {
            return null; // a report from another HwFlow version: nothing to hold the result against
        }
    }

    /// <summary>What the estimate said, for a report line.</summary>
    public string Said => string.Create(CultureInfo.InvariantCulture,
        $"compile --device {Fit.Device} estimated {Fit.EstimatedLuts:N0} LUTs (budget {Fit.LutBudget:N0} of {Fit.DeviceLuts:N0}), {(Fit.EstimatedCells is { } c ? $"{c:N0} logic cells, " : "")}{Fit.BlockRams} of {Fit.DeviceBlockRams} block RAMs");

    /// <summary><paramref name="doesNotFit"/> (place and route's overflow) restated as the model's bug, both numbers side by side.</summary>
    public UserError ModelBug(UserError doesNotFit) => new(
        $"{doesNotFit.Message}. This is a HwFlow resource-model bug: {Said}, so it should have fit; place and route's numbers are the ones above. "
        + "Please report it with this build's report.json; meanwhile compile with a lower --target-fps (or --max-luts) for this device", doesNotFit);

    /// <summary>Estimate beside placed counts, for synth.md.</summary>
    public string Against(long placedCells, long placedBlockRams) => string.Create(CultureInfo.InvariantCulture,
        $"{Said}; placed {placedCells:N0} logic cells ({Percent(placedCells, Fit.EstimatedCells ?? Fit.EstimatedLuts)} of the {(Fit.EstimatedCells is null ? "LUT" : "cell")} estimate) and {placedBlockRams} block RAMs");

    private static string Percent(long placed, long estimate) => estimate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * placed / estimate:0}%") : "n/a";
}
