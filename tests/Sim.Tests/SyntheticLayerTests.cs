using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Bench;
using HwFlow.Sim.Streams;

namespace HwFlow.Sim.Tests;

public sealed class SyntheticLayerTests
{
    [Theory]
    [InlineData(false, SimEngine.Compiled)]
    [InlineData(true, SimEngine.Compiled)]
    [InlineData(false, SimEngine.Interpreter)]
    [InlineData(true, SimEngine.Interpreter)]
    public void The_benchmark_workload_matches_its_golden_model(bool binary, SimEngine engine)
    {
        var shape = new SyntheticLayer.Shape(64, 8, 4, 16, binary);
        var rng = new SplitMix64(12);
        var frames = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 64).Select(_ => (byte)rng.NextInt(256)).ToArray()).ToList();
        var trace = new StreamDriver(Simulator.Create(SyntheticLayer.Design(shape), engine))
            .Run(new StreamStimulus { Frames = frames, InputGapProbability = 0.2, OutputStallProbability = 0.5 });
        Assert.Equal(StreamStatus.Completed, trace.Status);
        var expected = frames.Select(f => SyntheticLayer.Expected(shape, f)).ToList();
        Assert.Equal(expected, trace.Outputs.Select(o => (int)o.Data));
        Assert.True(expected.Distinct().Count() > 1, "outputs should vary between frames");
    }
}
