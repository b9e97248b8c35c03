using HwFlow.Sim.Tests.Support;

namespace HwFlow.Sim.Tests;

public sealed class OpZooTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(65)]
    [InlineData(127)]
    public void Compiled_simulator_matches_the_interpreter_on_every_cell_kind(int width)
    {
        var difference = Lockstep.FirstDifference(OpZoo.Design(width), cycles: 300, seed: (ulong)width, SimEngine.Interpreter, SimEngine.Compiled);
        Assert.Null(difference);
    }
}

public sealed class WideShiftTests
{
    [Theory]
    [InlineData(200)]
    [InlineData(6272)]
    public void Variable_shifts_of_very_wide_values_match_the_interpreter(int width)
    {
        var m = new HwFlow.Compiler.Rtl.ModuleBuilder("shifts", withReset: false);
        var a = m.Input("a", width);
        var n = m.Input("n", 13);
        foreach (var op in new[] { HwFlow.Compiler.Rtl.RtlOp.Shl, HwFlow.Compiler.Rtl.RtlOp.Shr, HwFlow.Compiler.Rtl.RtlOp.Sar })
            m.Assign(m.Output(op.ToString().ToLowerInvariant(), width), m.Shift(op, a, n));
        var design = new HwFlow.Compiler.Rtl.RtlDesign([m.Build()], "shifts");
        Assert.Null(Lockstep.FirstDifference(design, cycles: 60, seed: (ulong)width, SimEngine.Interpreter, SimEngine.Compiled));
    }
}
