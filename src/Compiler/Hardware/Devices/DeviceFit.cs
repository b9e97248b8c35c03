using System.Globalization;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// How a design compiled with `--device` sits in the device, by the estimate: LUTs against the
/// budget (<see cref="Device.LutShare"/> of the device), on iCE40 logic cells against theirs
/// (<see cref="LogicCells"/>), and block RAMs against the device's. The LUTs and cells are
/// counted from the generated RTL (<see cref="RtlResourceCount"/>, calibrated per LUT class
/// against yosys); the folding's parametric estimate only guides the search.
/// `hwflow synth` then measures the same; a design this said fits that place and route
/// rejects is a bug, reported with both numbers.
/// </summary>
public sealed record DeviceFit(string Device, long EstimatedLuts, long LutBudget, long DeviceLuts, int BlockRams, int DeviceBlockRams)
{
    /// <summary>Logic cells estimated (iCE40; null on fabrics whose cells are not modelled).</summary>
    public long? EstimatedCells { get; init; }

    /// <summary>The logic cells the folding may use (<see cref="LogicCells.Share"/> of the device's).</summary>
    public long? CellBudget { get; init; }

    /// <summary>The fit of <paramref name="design"/>, counted from its RTL; a design over any limit is refused with what is over and by how much.</summary>
    public static DeviceFit Check(Device device, HardwareDesign design, bool slowest = false) =>
        Check(device, design, Of(device, RtlResourceCount.Of(design.Rtl, device.Fabric), BlockRamUse.Of(design.Rtl, device.Fabric)), slowest);

    /// <summary>Refuses <paramref name="design"/> when <paramref name="fit"/>, its fit, is over any limit.</summary>
    public static DeviceFit Check(Device device, HardwareDesign design, DeviceFit fit, bool slowest)
    {
        var over = fit.Over();
        if (over.Count > 0)
            throw new UserError(slowest
                ? $"nothing fits {device.Name}: even the smallest design ({N(design.CyclesPerFrame)} cycles per frame) needs {string.Join("; ", over)}; pick a larger device"
                : $"the design folded for {device.Name} does not fit it: {string.Join("; ", over)}; ask for fewer frames/s (--target-fps) or pick a larger device");
        return fit;
    }

    /// <summary>
    /// The count of the design's RTL against the device, unchecked. On 7 series the LUTs are logic
    /// LUTs and LUTs used as memory (shift registers, distributed RAM): both take the device's LUTs.
    /// </summary>
    public static DeviceFit Of(Device device, IReadOnlyList<RtlPartCount> counted, int blockRams) =>
        new(device.Name, (long)Math.Ceiling(counted.Sum(p => RtlResourceCoefficients.Luts(p, device.Fabric) + p.LutMemory)), device.LutBudget, device.Luts, blockRams, device.BlockRams)
        {
            EstimatedCells = LogicCells.Of(device.Fabric, counted),
            CellBudget = LogicCells.Budget(device),
        };

    /// <summary>Whether every estimate is within its limit.</summary>
    public bool Fits => Over().Count == 0;

    /// <summary>Whether block RAM is the only limit the estimate is over (other word shapes may then fit).</summary>
    public bool OverOnlyInBlockRams => BlockRams > DeviceBlockRams && (this with { BlockRams = 0 }).Fits;

    /// <summary>Each limit the estimate is over, with by how much.</summary>
    public List<string> Over()
    {
        var over = new List<string>();
        if (EstimatedLuts > LutBudget)
            over.Add($"{N(EstimatedLuts)} LUTs estimated, over the budget of {N(LutBudget)} ({Devices.Device.LutShare:P0} of {N(DeviceLuts)}) by {N(EstimatedLuts - LutBudget)}");
        if (EstimatedCells is { } cells && CellBudget is { } budget && cells > budget)
            over.Add($"{N(cells)} logic cells estimated, over the budget of {N(budget)} ({LogicCells.Share:P0} of {N(DeviceLuts)}) by {N(cells - budget)}");
        if (BlockRams > DeviceBlockRams)
            over.Add($"{BlockRams} block RAMs, over the device's {DeviceBlockRams} by {BlockRams - DeviceBlockRams}");
        return over;
    }

    internal static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
