using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Compiler.Tests.Hardware;

/// <summary>
/// `compile --device` on 7 series chooses each layer's folding at a pace by the LUT6 count of the
/// generated RTL. A binary MLP whose threshold layer is wide and shallow at the input stream's pace:
/// the parametric model (fitted to LUT4) folds it as XNOR-popcount, the count finds the lookup form
/// (block-RAM count tables) cheaper at the same pace, and the device choice must take it.
/// </summary>
public sealed class Xc7DeviceChoiceTests
{
    /// <summary>32 bytes -> 64 (dense, +-1) -> 96 -> 64 (thresholds) -> 10, 64-bit input beats: 4 cycles a frame at the fastest.</summary>
    private static StagePlan WideShallowBnn()
    {
        var rng = new SplitMix64(17);
        var model = new ModelSpec("wide-shallow-bnn", new InputSpec([32], "uint8", 1.0 / 255), 64,
        [
            new LinearLayer(RandomModels.Signs(rng, 32, 96)), RandomModels.Norm(rng, 96, meanScale: 2), new Sign(),
            new BinLayer(RandomModels.Signs(rng, 96, 64)), RandomModels.Norm(rng, 64, meanScale: 2), new Sign(),
            new BinLayer(RandomModels.Signs(rng, 64, 10)),
        ], OutputKind.Class);
        return InputStream.Widen(StagePlanner.Plan(IntegerLowering.Lower(model, new CompileOptions())), 64);
    }

    private static bool HasTables(HardwareDesign design) =>
        design.Rtl.Modules.SelectMany(m => m.Memories).Any(m => m.Name.StartsWith("counts", StringComparison.Ordinal));

    [Fact]
    public void The_xc7_choice_at_a_pace_is_the_cheaper_form_by_the_count()
    {
        var device = Device.Parse("xc7a35t");
        var stages = WideShallowBnn();
        var shapes = StagePlanner.Shapes(stages);

        var (design, fit) = DeviceFolding.Fold(device, stages, new FoldingGoal.MaxLuts(device.LutBudget), widthGiven: true);

        var parametric = FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.MaxCycles(design.CyclesPerFrame), bytesPerBeat: stages.InputBytesPerCycle);
        var byModel = HardwareGenerator.Generate(stages, parametric, new HardwareOptions { Fabric = device.Fabric, Device = device.Name });
        var byModelFit = DeviceFit.Of(device, RtlResourceCount.Of(byModel.Rtl, device.Fabric), BlockRamUse.Of(byModel.Rtl, device.Fabric));
        Assert.Equal(byModel.CyclesPerFrame, design.CyclesPerFrame);
        Assert.False(HasTables(byModel), "the case is meant to have the parametric model pick the XNOR form");
        Assert.True(HasTables(design), $"the device choice {string.Join(", ", design.Folding.Layers)} has no lookup tables");
        Assert.True(fit.EstimatedLuts < byModelFit.EstimatedLuts, $"{fit.EstimatedLuts} LUT6 counted for the choice, {byModelFit.EstimatedLuts} for the parametric folding at the same pace");
        Assert.True(fit.Fits);
    }
}
