using CsCheck;
using HwFlow.Sim.Tests.Support;

namespace HwFlow.Sim.Tests;

public sealed class RandomDesignTests
{
    [Fact]
    public void Compiled_simulator_matches_the_interpreter_on_random_hierarchical_designs()
    {
        Gen.ULong.Sample(seed =>
        {
            var difference = Lockstep.FirstDifference(RandomDesigns.Build(seed), cycles: 40, seed, SimEngine.Interpreter, SimEngine.Compiled);
            if (difference is not null) throw new Xunit.Sdk.XunitException($"design seed {seed}: {difference}");
        }, iter: 300);
    }
}
