using CsCheck;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Bench;
using HwFlow.Sim.Netlists;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Tests.Support;

namespace HwFlow.Sim.Tests;

/// <summary>
/// The multi-lane simulator equals the single-lane one in every lane, bit for bit and cycle for
/// cycle: on random designs and every cell kind with lanes that share some inputs and not others
/// (so control differs between lanes too), and on stream designs driven with one stimulus timing
/// per lane under random gaps and backpressure.
/// </summary>
public sealed class LaneTests
{
    [Fact]
    public void Every_lane_matches_a_single_lane_simulation_on_random_designs()
    {
        Gen.ULong.Sample(seed =>
        {
            var design = RandomDesigns.Build(seed);
            var rng = new SplitMix64(seed ^ 0x5EED);
            int choice = rng.NextInt(3); // all inputs per lane, none, or a random half
            var coin = new Dictionary<string, bool>();
            bool IsLane(RtlSignal s) => choice == 0 || (choice == 2 && (coin.TryGetValue(s.Name, out var c) ? c : coin[s.Name] = rng.NextInt(2) == 0));
            var difference = LaneLockstep.FirstDifference(design, cycles: 30, seed, IsLane, portable: seed % 8 == 0);
            if (difference is not null) throw new Xunit.Sdk.XunitException($"design seed {seed} (lane inputs: {choice}): {difference}");
        }, iter: 150);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(65)]
    [InlineData(127)]
    public void Every_cell_kind_matches_in_every_lane(int width)
    {
        Assert.Null(LaneLockstep.FirstDifference(OpZoo.Design(width), cycles: 150, seed: (ulong)width, _ => true));
        Assert.Null(LaneLockstep.FirstDifference(OpZoo.Design(width), cycles: 150, seed: (ulong)width + 1, s => s.Name.Length % 2 == 0));
        // The portable form, which CPUs without AVX-512 run.
        Assert.Null(LaneLockstep.FirstDifference(OpZoo.Design(width), cycles: 60, seed: (ulong)width + 2, _ => true, portable: true));
    }

    [Fact]
    public void Variable_shifts_of_wide_values_match_in_every_lane()
    {
        var m = new ModuleBuilder("shifts", withReset: false);
        var a = m.Input("a", 200);
        var n = m.Input("n", 9);
        foreach (var op in new[] { RtlOp.Shl, RtlOp.Shr, RtlOp.Sar })
            m.Assign(m.Output(op.ToString().ToLowerInvariant(), 200), m.Shift(op, a, n));
        var design = new RtlDesign([m.Build()], "shifts");
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 60, seed: 9, _ => true));
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 60, seed: 10, s => s.Name == "n"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    public void Stream_lanes_under_one_stimulus_timing_equal_single_lane_runs(double stall)
    {
        var shape = new SyntheticLayer.Shape(48, 4, 4, 16);
        var design = SyntheticLayer.Design(shape);
        var rng = new SplitMix64(7);
        var lanes = Enumerable.Range(0, Simulator.LaneCount)
            .Select(_ => (IReadOnlyList<byte[]>)Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 48).Select(_ => (byte)rng.NextInt(256)).ToArray()).ToList()).ToList();
        var stimulus = new StreamStimulus { Frames = lanes[0], Seed = 11, InputGapProbability = stall, OutputStallProbability = stall, Resets = [new ResetPulse(150, 3)] };
        var traces = new StreamDriver(Simulator.CreateLanes(Netlist.Of(design), ["s_axis_tdata"])).RunLanes(stimulus, lanes);
        for (int lane = 0; lane < lanes.Count; lane++)
        {
            var alone = new StreamDriver(Simulator.Create(design)).Run(stimulus with { Frames = lanes[lane] });
            Assert.Equal(alone.Lines(), traces[lane].Lines());
        }
        Assert.Equal(StreamStatus.Completed, traces[0].Status);
    }

    [Fact]
    public void Lanes_are_refused_when_the_handshake_depends_on_the_data()
    {
        // s_axis_tready follows the last byte's low bit: the lanes could not share one timing.
        var m = new ModuleBuilder("hwflow_top");
        var tdata = m.Input("s_axis_tdata", 8);
        m.Input("s_axis_tvalid", 1);
        m.Input("s_axis_tlast", 1);
        m.Input("m_axis_tready", 1);
        var last = m.Register("last", 8);
        m.Next(last, tdata);
        m.Assign(m.Output("s_axis_tready", 1), m.Bit(last, 0));
        m.Assign(m.Output("m_axis_tvalid", 1), m.Const(0, 1));
        m.Assign(m.Output("m_axis_tdata", 8), last);
        var netlist = Netlist.Of(new RtlDesign([m.Build()], "hwflow_top"));
        var frames = new List<byte[]> { new byte[] { 1, 2 } };
        var driver = new StreamDriver(Simulator.CreateLanes(netlist, ["s_axis_tdata"]));
        var error = Assert.Throws<InvalidOperationException>(() => driver.RunLanes(new StreamStimulus { Frames = frames }, [.. Enumerable.Repeat(frames, Simulator.LaneCount)]));
        Assert.Contains("depends on the input data", error.Message);
    }
}
