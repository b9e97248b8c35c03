using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Tests.Hardware;

/// <summary>
/// `compile --device` where block RAM, not LUTs, sets the pace: the search over paces finds a
/// design that fits, whose block RAMs are the ones counted once in the fit, and the candidate pace
/// just faster than it does not fit.
/// </summary>
public sealed class DeviceFoldingTests
{
    [Theory]
    [InlineData("fmnist-tiny", "ice40-hx8k")]
    [InlineData("fmnist-tiny-pow2", "ice40-hx8k")]
    public void The_pace_found_fits_and_the_next_faster_candidate_does_not(string example, string deviceName)
    {
        var device = Device.Parse(deviceName);
        var graph = IntegerLowering.Lower(ModelLoader.Load(TestPaths.Example(example)), new CompileOptions());
        var stages = StagePlanner.Plan(graph);
        var shapes = StagePlanner.Shapes(stages);
        int inputBytes = stages.InputCycles; // one byte a cycle: the width is given (8 bits)
        var goal = new FoldingGoal.MaxLuts(device.LutBudget);

        var (design, fit) = DeviceFolding.Fold(device, stages, goal, widthGiven: true);

        Assert.Equal(BlockRamUse.Of(design.Rtl, device.Fabric), fit.BlockRams);
        Assert.InRange(fit.BlockRams, 0, device.BlockRams);
        var fastest = HardwareGenerator.Generate(stages, FoldingOptimizer.Optimize(shapes, inputBytes, goal), new HardwareOptions { Fabric = device.Fabric });
        Assert.True(BlockRamUse.Of(fastest.Rtl, device.Fabric) > device.BlockRams, "this case is meant to be set by block RAM: the LUT budget's fastest design must be over");
        // the candidate paces between the fastest design and the one found: the last of them (just faster) is over
        var faster = FoldingOptimizer.SlowerIntervals(shapes, fastest.CyclesPerFrame).Where(c => c < design.CyclesPerFrame).Prepend(fastest.CyclesPerFrame).Max();
        var neighbour = HardwareGenerator.Generate(stages, FoldingOptimizer.Optimize(shapes, inputBytes, new FoldingGoal.MaxCycles(faster)), new HardwareOptions { Fabric = device.Fabric });
        Assert.True(neighbour.CyclesPerFrame < design.CyclesPerFrame);
        Assert.True(BlockRamUse.Of(neighbour.Rtl, device.Fabric) > device.BlockRams,
            $"{faster} cycles per frame would fit ({BlockRamUse.Of(neighbour.Rtl, device.Fabric)} blocks) but the search chose {design.CyclesPerFrame}");
    }
}
