using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// `compile --device`: the fastest design the resource model says fits. The folding optimizer
/// meets the LUT budget (or the frames/s asked for); block RAM depends on the word shapes the
/// folding gives every memory, so the design is generated and its blocks counted, and while it
/// needs more than the device has, the next slower pace is tried (slower layers read narrower words).
/// Without `--input-width` every power-of-two stream width the device offers is tried, and the
/// narrowest one that gives the fastest fitting design is kept.
/// </summary>
public static class DeviceFolding
{
    public static (HardwareDesign Design, DeviceFit Fit) Fold(Device device, StagePlan stages, FoldingGoal goal, bool widthGiven = false)
    {
        var widths = widthGiven ? [stages.InputWidth] : InputStream.PowerOfTwoWidths(stages, device.MaxInputWidth);
        (HardwareDesign Design, DeviceFit Fit)? best = null;
        Exception? failure = null;
        foreach (var width in widths)
        {
            try
            {
                var folded = FoldAt(device, stages with { InputWidth = width }, goal);
                if (best is null || folded.Design.CyclesPerFrame < best.Value.Design.CyclesPerFrame) best = folded;
            }
            catch (Exception e) when (e is UserError or FoldingGoalUnreachable)
            {
                failure ??= e; // the narrowest stream's reason is the one to give if no width works
            }
        }
        return best ?? throw failure!;
    }

    private static (HardwareDesign Design, DeviceFit Fit) FoldAt(Device device, StagePlan stages, FoldingGoal goal)
    {
        var shapes = StagePlanner.Shapes(stages);
        var options = new HardwareOptions { Fabric = device.Fabric, Device = device.Name };
        FoldingPlan plan;
        try { plan = FoldingOptimizer.Optimize(shapes, stages.InputCycles, goal, bytesPerBeat: stages.InputBytesPerCycle); }
        catch (FoldingGoalUnreachable e) when (e.SmallestLuts > 0)
        {
            throw new UserError($"nothing fits {device.Name}: even the smallest design needs {DeviceFit.N(e.SmallestLuts)} LUTs estimated, over the budget of {DeviceFit.N(device.LutBudget)} "
                + $"({Device.LutShare:P0} of {DeviceFit.N(device.Luts)}) by {DeviceFit.N(e.SmallestLuts - device.LutBudget)}; pick a larger device");
        }
        while (true)
        {
            var design = HardwareGenerator.Generate(stages, plan, options);
            long luts = ResourceModel.Default.Design(shapes, stages.InputCycles, plan).Luts;
            var next = FoldingOptimizer.NextInterval(shapes, design.CyclesPerFrame);
            if (next is null || BlockRamUse.Of(design.Rtl, device.Fabric) <= device.BlockRams)
                return (design, DeviceFit.Check(device, design, luts, slowest: next is null)); // the slowest design that is still over says by how much
            // padded foldings make nearly every cycle count reachable: step at least 5% slower, so the search stays short
            plan = FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.MaxCycles(Math.Max(next.Value, design.CyclesPerFrame + (design.CyclesPerFrame / 20))), bytesPerBeat: stages.InputBytesPerCycle);
        }
    }
}
