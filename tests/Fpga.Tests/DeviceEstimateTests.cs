using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// A build compiled with `--device` carries the estimate that said it fits; when place and route
/// on that device rejects it, `hwflow synth` reports a resource-model bug with both numbers.
/// </summary>
public sealed class DeviceEstimateTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string FitUp5k = """
        { "deviceFit": { "device": "ice40-up5k", "estimatedLuts": 3985, "lutBudget": 4488, "deviceLuts": 5280, "blockRams": 22, "deviceBlockRams": 30, "estimatedCells": 4700, "cellBudget": 5016, "fits": true } }
        """;

    [Fact]
    public void A_design_the_model_said_fits_but_place_and_route_rejects_is_reported_as_a_model_bug_with_both_numbers()
    {
        var path = TestBuilds.Custom(_temp, "big", DesignSnippets.TooManyFlipFlops);
        File.WriteAllText(Path.Combine(path, "report.json"), FitUp5k);
        var error = Assert.Throws<UserError>(() => new SynthFlow().Run(BuildFolder.Open(path), new SynthOptions(FpgaTarget.Ice40Up5k)));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("[ICESTORM_LC] 5304 used of 5280 (over by 24", error.Message);
        Assert.Contains("resource-model bug", error.Message);
        Assert.Contains("compile --device ice40-up5k estimated 3,985 LUTs (budget 4,488 of 5,280), 4,700 logic cells, 22 of 30 block RAMs", error.Message);
    }

    [Fact]
    public void An_estimate_for_another_device_or_none_is_not_held_against_the_result()
    {
        var path = TestBuilds.Custom(_temp, "other", DesignSnippets.TooManyFlipFlops);
        Assert.Null(DeviceEstimate.For(path, FpgaTarget.Ice40Up5k)); // no report.json
        File.WriteAllText(Path.Combine(path, "report.json"), FitUp5k);
        Assert.Null(DeviceEstimate.For(path, FpgaTarget.Ice40Hx8k));
        Assert.Equal(4700, DeviceEstimate.For(path, FpgaTarget.Ice40Up5k)!.Fit.EstimatedCells);
        File.WriteAllText(Path.Combine(path, "report.json"), """{ "folding": {} }""");
        Assert.Null(DeviceEstimate.For(path, FpgaTarget.Ice40Up5k));
        File.WriteAllText(Path.Combine(path, "report.json"), FitUp5k.Replace("\"lutBudget\": 4488, ", "", StringComparison.Ordinal));
        Assert.Null(DeviceEstimate.For(path, FpgaTarget.Ice40Up5k)); // a field missing: another version's report, not zeros
    }
}
