using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Tests.Support;

/// <summary>
/// The multi-lane simulator against one single-lane simulator per lane: lane inputs get their own
/// random values in every lane, the other inputs one value for all; every signal of every lane is
/// compared every cycle.
/// </summary>
public static class LaneLockstep
{
    /// <param name="layouts">Where the multi-lane simulator keeps its layout (a test of the saved form).</param>
    public static string? FirstDifference(RtlDesign design, int cycles, ulong seed, Func<RtlSignal, bool> isLaneInput, bool portable = false, ILayoutStore? layouts = null) =>
        FirstDifference(Netlist.Of(design), cycles, seed, isLaneInput, portable, layouts);

    public static string? FirstDifference(Netlist netlist, int cycles, ulong seed, Func<RtlSignal, bool> isLaneInput, bool portable = false, ILayoutStore? layouts = null)
    {
        var laneInputs = netlist.Module.Inputs.Where(p => p.Name != RtlModule.Clock && isLaneInput(p)).Select(p => p.Name).ToList();
        var lanes = portable ? Simulator.CreatePortableLanes(netlist, laneInputs, layouts) : Simulator.CreateLanes(netlist, laneInputs, layouts);
        var singles = Enumerable.Range(0, lanes.Lanes).Select(_ => Simulator.Create(netlist)).ToArray();
        var rng = new SplitMix64(seed);
        ulong lfsr = seed | 1;
        var inputs = lanes.Signals.Where(s => s.IsInput).ToList();
        for (long cycle = 0; cycle < cycles; cycle++)
        {
            foreach (var input in inputs)
            {
                if (laneInputs.Contains(input.Name))
                {
                    for (int lane = 0; lane < lanes.Lanes; lane++)
                    {
                        var value = Lockstep.Stimulus(rng, input.Rtl, cycle, ref lfsr);
                        lanes.PokeLane(input, lane, value);
                        singles[lane].Poke(input.Name, value);
                    }
                }
                else
                {
                    var value = Lockstep.Stimulus(rng, input.Rtl, cycle, ref lfsr);
                    lanes.Poke(input, value);
                    foreach (var single in singles) single.Poke(input.Name, value);
                }
            }
            foreach (var signal in lanes.Signals)
                for (int lane = 0; lane < lanes.Lanes; lane++)
                {
                    var expected = singles[lane].Peek(singles[lane].Signal(signal.Name));
                    var actual = lanes.PeekLane(signal, lane);
                    if (actual != expected)
                        return $"cycle {cycle}, lane {lane}: {signal} is {actual:X} in the multi-lane simulator but {expected:X} alone ({(lanes.IsVarying(signal) ? "varying" : "shared")})";
                }
            lanes.Step();
            foreach (var single in singles) single.Step();
        }
        return null;
    }
}
