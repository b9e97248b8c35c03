using System.Globalization;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// How a design compiled with `--device` sits in the device, by the estimate: LUTs against the
/// budget (<see cref="Device.LutShare"/> of the device) and block RAMs against the device's.
/// `hwflow synth` then measures the same two; a design this said fits that place and route
/// rejects is a bug, reported with both numbers.
/// </summary>
public sealed record DeviceFit(string Device, long EstimatedLuts, long LutBudget, long DeviceLuts, int BlockRams, int DeviceBlockRams)
{
    /// <summary>The fit of <paramref name="design"/>; a design over either limit is refused with what is over and by how much.</summary>
    public static DeviceFit Check(Device device, HardwareDesign design, long estimatedLuts, bool slowest = false) =>
        Check(device, design, estimatedLuts, BlockRamUse.Of(design.Rtl, device.Fabric), slowest);

    /// <summary>The fit of <paramref name="design"/> whose block RAMs the caller has counted already.</summary>
    public static DeviceFit Check(Device device, HardwareDesign design, long estimatedLuts, int blockRams, bool slowest)
    {
        var fit = new DeviceFit(device.Name, estimatedLuts, device.LutBudget, device.Luts, blockRams, device.BlockRams);
        var over = new List<string>();
        if (fit.EstimatedLuts > fit.LutBudget)
            over.Add($"{N(fit.EstimatedLuts)} LUTs estimated, over the budget of {N(fit.LutBudget)} ({Devices.Device.LutShare:P0} of {N(fit.DeviceLuts)}) by {N(fit.EstimatedLuts - fit.LutBudget)}");
        if (fit.BlockRams > fit.DeviceBlockRams)
            over.Add($"{fit.BlockRams} block RAMs, over the device's {fit.DeviceBlockRams} by {fit.BlockRams - fit.DeviceBlockRams}");
        if (over.Count > 0)
            throw new UserError(slowest
                ? $"nothing fits {device.Name}: even the smallest design ({N(design.CyclesPerFrame)} cycles per frame) needs {string.Join("; ", over)}; pick a larger device"
                : $"the design folded for {device.Name} does not fit it: {string.Join("; ", over)}; ask for fewer frames/s (--target-fps) or pick a larger device");
        return fit;
    }

    internal static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
