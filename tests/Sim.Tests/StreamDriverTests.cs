using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Tests.Support;

namespace HwFlow.Sim.Tests;

public sealed class StreamDriverTests
{
    internal static List<byte[]> Frames(int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 1 + rng.NextInt(40)).Select(_ => (byte)rng.NextInt(256)).ToArray())];
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.0, 0.7)]
    [InlineData(0.3, 0.3)]
    [InlineData(0.9, 0.95)]
    public void Every_frame_gives_exactly_one_correct_result_under_any_backpressure(double gap, double stall)
    {
        var frames = Frames(25, 7);
        foreach (var engine in new[] { SimEngine.Compiled, SimEngine.Interpreter })
        {
            var trace = new StreamDriver(Simulator.Create(FrameSummer.Design(), engine))
                .Run(new StreamStimulus { Frames = frames, Seed = 42, InputGapProbability = gap, OutputStallProbability = stall });
            Assert.Equal(StreamStatus.Completed, trace.Status);
            Assert.Equal(frames.Select(FrameSummer.Expected), trace.Outputs.Select(o => o.Data));
            Assert.True(trace.Outputs.Zip(trace.FrameEndCycles).All(p => p.First.Cycle > p.Second), "a result came out before its frame went in");
        }
    }

    [Fact]
    public void Both_engines_give_identical_traces_with_gaps_and_backpressure()
    {
        var stimulus = new StreamStimulus { Frames = Frames(30, 3), Seed = 9, InputGapProbability = 0.4, OutputStallProbability = 0.6 };
        var compiled = new StreamDriver(Simulator.Create(FrameSummer.Design())).Run(stimulus);
        var interpreted = new StreamDriver(Simulator.Create(FrameSummer.Design(), SimEngine.Interpreter)).Run(stimulus);
        Assert.Equal(interpreted.Lines(), compiled.Lines());
    }

    [Fact]
    public void A_reset_in_the_middle_of_a_frame_drops_that_frame_and_the_next_ones_are_right()
    {
        var frames = Frames(12, 5).Select(f => f.Length < 20 ? [.. f, .. f] : f).ToList();
        var clean = new StreamDriver(Simulator.Create(FrameSummer.Design())).Run(new StreamStimulus { Frames = frames, Seed = 4 });
        // Reset a few cycles after the fourth frame ends: the fifth is being sent.
        long resetAt = clean.FrameEndCycles[3] + 5;
        var trace = new StreamDriver(Simulator.Create(FrameSummer.Design()))
            .Run(new StreamStimulus { Frames = frames, Seed = 4, Resets = [new ResetPulse(resetAt, 3)] });
        Assert.Equal(StreamStatus.Completed, trace.Status);
        var after = trace.Outputs.Where(o => o.Cycle > resetAt).Select(o => o.Data).ToList();
        Assert.Equal(frames.Skip(5).Select(FrameSummer.Expected), after);
        var before = trace.Outputs.Where(o => o.Cycle < resetAt).Select(o => o.Data).ToList();
        Assert.Equal(frames.Take(before.Count).Select(FrameSummer.Expected), before);
    }

    [Fact]
    public void A_stuck_input_is_reported_as_a_deadlock_naming_the_waiting_port()
    {
        var trace = new StreamDriver(Simulator.Create(FrameSummer.Design(SummerFault.InputStuck)))
            .Run(new StreamStimulus { Frames = Frames(5, 1), DeadlockCycles = 200 });
        Assert.Equal(StreamStatus.Deadlock, trace.Status);
        Assert.Equal(2, trace.Outputs.Count);
        Assert.Contains("s_axis_tvalid=1 s_axis_tready=0", trace.Diagnosis);
        Assert.Contains("frame 2 byte 0 pending", trace.Diagnosis);
    }

    [Fact]
    public void A_stuck_output_is_reported_with_the_internal_stream_that_waits()
    {
        var trace = new StreamDriver(Simulator.Create(FrameSummer.Design(SummerFault.OutputStuck)))
            .Run(new StreamStimulus { Frames = Frames(5, 1), DeadlockCycles = 200 });
        Assert.Equal(StreamStatus.Deadlock, trace.Status);
        Assert.Empty(trace.Outputs);
        Assert.Contains("summer.out_valid=1 summer.out_ready=0", trace.Diagnosis);
    }
}
