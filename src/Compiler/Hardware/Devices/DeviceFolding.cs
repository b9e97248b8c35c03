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
/// </summary>
public static class DeviceFolding
{
    public static (HardwareDesign Design, DeviceFit Fit) Fold(Device device, StagePlan stages, int inputBytes, FoldingGoal goal)
    {
        var shapes = StagePlanner.Shapes(stages);
        var options = new HardwareOptions { Fabric = device.Fabric, Device = device.Name };
        FoldingPlan plan;
        try { plan = FoldingOptimizer.Optimize(shapes, inputBytes, goal); }
        catch (FoldingGoalUnreachable e) when (e.SmallestLuts > 0)
        {
            throw new UserError($"nothing fits {device.Name}: even the smallest design needs {DeviceFit.N(e.SmallestLuts)} LUTs estimated, over the budget of {DeviceFit.N(device.LutBudget)} "
                + $"({Device.LutShare:P0} of {DeviceFit.N(device.Luts)}) by {DeviceFit.N(e.SmallestLuts - device.LutBudget)}; pick a larger device");
        }
        while (true)
        {
            var design = HardwareGenerator.Generate(stages, plan, options);
            long luts = ResourceModel.Default.Design(shapes, inputBytes, plan).Luts;
            var next = FoldingOptimizer.NextInterval(shapes, design.CyclesPerFrame);
            if (next is null || BlockRamUse.Of(design.Rtl, device.Fabric) <= device.BlockRams)
                return (design, DeviceFit.Check(device, design, luts, slowest: next is null)); // the slowest design that is still over says by how much
            // padded foldings make nearly every cycle count reachable: step at least 5% slower, so the search stays short
            plan = FoldingOptimizer.Optimize(shapes, inputBytes, new FoldingGoal.MaxCycles(Math.Max(next.Value, design.CyclesPerFrame + (design.CyclesPerFrame / 20))));
        }
    }
}
