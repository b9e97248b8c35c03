using HwFlow.Sim.Streams;
using HwFlow.Sim.Tests.Support;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests;

/// <summary>
/// The same cases on the C# simulator (both engines) and on Verilator, compared transaction by
/// transaction and cycle by cycle. These fail, not skip, when Verilator is missing. Each design
/// is one Verilator build, cached by content hash across runs.
/// </summary>
public sealed class VerilatorCosimTests
{
    [Fact]
    public void Every_cell_kind_at_every_width_matches_Verilator()
    {
        var design = Bundles.Zoo();
        var model = VerilatorModels.ForDesign(design, HarnessKind.Vectors);
        foreach (var engine in new[] { SimEngine.Compiled, SimEngine.Interpreter })
        {
            var result = Cosimulation.Vectors(Simulator.Create(design, engine), model, seed: 11, cycles: 250);
            Assert.True(result.Agree, $"{engine}: {result.Mismatch?.Message}");
            Assert.Equal(251, result.VerilatorLines.Count);
        }
    }

    [Fact]
    public void Random_hierarchical_designs_match_Verilator()
    {
        var design = Bundles.Random(Enumerable.Range(100, 12).Select(i => (ulong)i));
        var model = VerilatorModels.ForDesign(design, HarnessKind.Vectors);
        var result = Cosimulation.Vectors(Simulator.Create(design), model, seed: 5, cycles: 300);
        Assert.True(result.Agree, result.Mismatch?.Message);
    }

    [Theory]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.3, 0.3, false)]
    [InlineData(0.8, 0.9, false)]
    [InlineData(0.2, 0.5, true)]
    public void Stream_transactions_and_their_cycles_match_Verilator(double gap, double stall, bool midFrameReset)
    {
        var frames = StreamDriverTests.Frames(40, 17);
        var model = VerilatorModels.ForDesign(FrameSummer.Design(), HarnessKind.Stream);
        var stimulus = new StreamStimulus
        {
            Frames = frames, Seed = 23, InputGapProbability = gap, OutputStallProbability = stall,
            Resets = midFrameReset ? [new ResetPulse(301, 4), new ResetPulse(777, 1)] : [],
        };
        var result = Cosimulation.Stream(Simulator.Create(FrameSummer.Design()), model, stimulus);
        Assert.True(result.Agree, result.Mismatch?.Message);
        Assert.Equal(StreamStatus.Completed, result.Trace!.Status);
        if (!midFrameReset) Assert.Equal(frames.Select(FrameSummer.Expected), result.Trace.Outputs.Select(o => o.Data));
        else Assert.True(result.Trace.Outputs.Count < frames.Count, "the reset should have dropped frames");
    }

    [Fact]
    public void A_deadlock_is_found_at_the_same_cycle_by_both_engines()
    {
        var design = FrameSummer.Design(SummerFault.InputStuck);
        var model = VerilatorModels.ForDesign(design, HarnessKind.Stream);
        var result = Cosimulation.Stream(Simulator.Create(design), model, new StreamStimulus { Frames = StreamDriverTests.Frames(4, 3), DeadlockCycles = 300 });
        Assert.True(result.Agree, result.Mismatch?.Message);
        Assert.Equal(StreamStatus.Deadlock, result.Trace!.Status);
        Assert.Contains(result.VerilatorLines, l => l.StartsWith("STALL s_axis_tvalid=1 s_axis_tready=0", StringComparison.Ordinal));
    }
}
