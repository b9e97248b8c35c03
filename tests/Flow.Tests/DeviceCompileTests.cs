using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Rtl;
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
}
