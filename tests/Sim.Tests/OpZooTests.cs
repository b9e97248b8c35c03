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
