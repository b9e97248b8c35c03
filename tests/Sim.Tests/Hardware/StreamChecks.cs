using System.Numerics;
using HwFlow.Compiler.Hardware;
using HwFlow.Sim.Streams;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// The checks every generated-hardware test makes, in one place so that a new form is held to the
/// same contract as the others: the stream completes, every answer equals the golden kernel's,
/// and on a quiet stream the first frame's latency is the predicted one (it meets an idle
/// pipeline; input starts after the reset cycles).
/// </summary>
internal static class StreamChecks
{
    /// <summary>Under random input gaps and output backpressure: nothing lost, duplicated or changed.</summary>
    public static StreamTrace UnderStalls(HardwareDesign design, List<byte[]> frames, IEnumerable<BigInteger> golden, ulong seed, double gap, double stall)
    {
        var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = gap, OutputStallProbability = stall });
        Assert.Equal(StreamStatus.Completed, trace.Status);
        Assert.Equal(golden, trace.Outputs.Select(o => o.Data));
        return trace;
    }

    /// <summary>Without stalls: the golden answers, and the first one after the predicted latency.</summary>
    public static StreamTrace Quiet(HardwareDesign design, List<byte[]> frames, IEnumerable<BigInteger> golden)
    {
        var stimulus = new StreamStimulus { Frames = frames };
        var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(stimulus);
        Assert.Equal(StreamStatus.Completed, trace.Status);
        Assert.Equal(golden, trace.Outputs.Select(o => o.Data));
        Assert.Equal(design.LatencyCycles, trace.Outputs[0].Cycle - stimulus.InitialResetCycles);
        return trace;
    }

    /// <summary>Verilator against the C# simulator transaction by transaction and cycle by cycle under stalls, and the golden answers.</summary>
    public static void MatchesVerilator(HardwareDesign design, List<byte[]> frames, IEnumerable<BigInteger> golden, ulong seed, double gap = 0.3, double stall = 0.3)
    {
        var model = Verilator.VerilatorModels.ForDesign(design.Rtl, Verilator.HarnessKind.Stream);
        var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = gap, OutputStallProbability = stall };
        var result = Verilator.Cosimulation.Stream(Simulator.Create(design.Rtl), model, stimulus);
        Assert.True(result.Agree, result.Mismatch?.Message);
        Assert.Equal(StreamStatus.Completed, result.Trace!.Status);
        Assert.Equal(golden, result.Trace.Outputs.Select(o => o.Data));
    }
}
