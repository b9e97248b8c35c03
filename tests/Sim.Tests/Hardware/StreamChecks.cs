using System.Numerics;
using HwFlow.Compiler.Hardware;
using HwFlow.Sim.Streams;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// The checks every generated-hardware test makes, in one place so that a new form is held to the
/// same contract as the others: the stream completes, every answer equals the golden kernel's,
/// and on a quiet stream the first frame's latency is the predicted one (it meets an idle
/// pipeline; input starts after the reset cycles) and frames leave at the predicted interval.
/// <c>context</c> (a seed, a folding) goes into every failure message, since the callers loop.
/// </summary>
internal static class StreamChecks
{
    /// <summary>A class-output design's golden answers as the stream's output words.</summary>
    public static BigInteger[] Classes(IEnumerable<int> golden) => [.. golden.Select(c => (BigInteger)c)];

    /// <summary>Under random input gaps and output backpressure: nothing lost, duplicated or changed.</summary>
    public static StreamTrace UnderStalls(HardwareDesign design, List<byte[]> frames, IEnumerable<BigInteger> golden, ulong seed, double gap, double stall, string context = "")
    {
        var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = gap, OutputStallProbability = stall });
        Assert.True(trace.Status == StreamStatus.Completed, $"{context}: the stalled stream ended {trace.Status}");
        AnswersEqual(golden, trace, $"{context}, under stalls");
        return trace;
    }

    /// <summary>
    /// Without stalls: the golden answers, the first one after the predicted latency, and after the
    /// third one every predicted interval (the first frames may still meet a filling pipeline).
    /// </summary>
    public static StreamTrace Quiet(HardwareDesign design, List<byte[]> frames, IEnumerable<BigInteger> golden, string context = "")
    {
        var stimulus = new StreamStimulus { Frames = frames };
        var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(stimulus);
        Assert.True(trace.Status == StreamStatus.Completed, $"{context}: the quiet stream ended {trace.Status}");
        AnswersEqual(golden, trace, context);
        Assert.True(design.LatencyCycles == trace.Outputs[0].Cycle - stimulus.InitialResetCycles,
            $"{context}: first answer after {trace.Outputs[0].Cycle - stimulus.InitialResetCycles} cycles, {design.LatencyCycles} predicted");
        var gaps = trace.Outputs.Zip(trace.Outputs.Skip(1), (a, b) => b.Cycle - a.Cycle).Skip(2).ToList();
        Assert.True(gaps.All(g => g == design.CyclesPerFrame), $"{context}: answers {string.Join(", ", gaps)} cycles apart, {design.CyclesPerFrame} predicted");
        return trace;
    }

    /// <summary>Verilator against the C# simulator transaction by transaction and cycle by cycle under stalls, and the golden answers.</summary>
    public static void MatchesVerilator(HardwareDesign design, List<byte[]> frames, IEnumerable<BigInteger> golden, ulong seed, double gap = 0.3, double stall = 0.3, string context = "")
    {
        var model = Verilator.VerilatorModels.ForDesign(design.Rtl, Verilator.HarnessKind.Stream);
        var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = gap, OutputStallProbability = stall };
        var result = Verilator.Cosimulation.Stream(Simulator.Create(design.Rtl), model, stimulus);
        Assert.True(result.Agree, $"{context}: {result.Mismatch?.Message}");
        Assert.True(result.Trace!.Status == StreamStatus.Completed, $"{context}: the Verilator stream ended {result.Trace.Status}");
        AnswersEqual(golden, result.Trace, $"{context}, Verilator");
    }

    private static void AnswersEqual(IEnumerable<BigInteger> golden, StreamTrace trace, string context)
    {
        var expected = golden.ToList();
        var actual = trace.Outputs.Select(o => o.Data).ToList();
        int first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(first < 0 && expected.Count == actual.Count,
            first >= 0 ? $"{context}: frame {first} answered {actual[first]}, the golden kernel {expected[first]}"
                       : $"{context}: {actual.Count} answers for {expected.Count} frames");
    }
}
