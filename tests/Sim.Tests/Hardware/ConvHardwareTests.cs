using System.Numerics;
using CsCheck;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// Convolutional hardware (sliding windows, the folded units reused per output pixel, max-pools)
/// against the golden kernel: random small conv models (kernels, strides, padding of +-1 and 0/1
/// values, pools, chunks within and across pixels; HBNN and BNN) folded at random legal foldings.
/// Every class must equal the golden kernel's, under input gaps and output backpressure too;
/// without stalls the cycles between results must equal the predicted interval exactly; and
/// Verilator must agree with the C# simulator transaction by transaction and cycle by cycle.
/// </summary>
public sealed class ConvHardwareTests
{
    private const int Frames = 6;

    // every other case keeps its pools' rows of partial maxima in a RAM instead of registers
    private static (Graph Graph, HardwareDesign Design, List<byte[]> Frames, BigInteger[] Golden) Case(ulong seed) =>
        GeneratedHardwareTests.Case(RandomConvHardwareModels.Create(seed), seed, Frames, new HardwareOptions { PoolRowRegisterBits = seed % 4 < 2 ? 0 : int.MaxValue });

    [Fact]
    public void RandomConvModelsAtRandomFoldingsMatchTheGoldenKernelAndThePredictedInterval()
    {
        Gen.ULong.Sample(seed =>
        {
            var (graph, design, frames, golden) = Case(seed);
            Assert.Contains(graph.Nodes, n => n.Op == Ops.Window);
            var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(new StreamStimulus { Frames = frames });
            Assert.Equal(StreamStatus.Completed, trace.Status);
            Assert.Equal(golden, trace.Outputs.Select(o => o.Data));
            var gaps = trace.Outputs.Zip(trace.Outputs.Skip(1), (a, b) => b.Cycle - a.Cycle).Skip(2).ToList();
            Assert.All(gaps, g => Assert.Equal(design.CyclesPerFrame, g));
        }, iter: 25, threads: 1);
    }

    [Fact]
    public void ConvBackpressureAndInputGapsLoseAndDuplicateNothing()
    {
        Gen.ULong.Sample(seed =>
        {
            var (_, design, frames, golden) = Case(seed);
            var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = 0.4, OutputStallProbability = 0.6 };
            var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(stimulus);
            Assert.Equal(StreamStatus.Completed, trace.Status);
            Assert.Equal(golden, trace.Outputs.Select(o => o.Data));
        }, iter: 15, threads: 1);
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(8UL)]
    [InlineData(21UL)]
    [InlineData(33UL)]
    public void VerilatorMatchesTheSimulatorOnConvHardwareUnderStalls(ulong seed)
    {
        var (_, design, frames, golden) = Case(seed);
        var model = VerilatorModels.ForDesign(design.Rtl, HarnessKind.Stream);
        var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = 0.3, OutputStallProbability = 0.3 };
        var result = Cosimulation.Stream(Simulator.Create(design.Rtl), model, stimulus);
        Assert.True(result.Agree, result.Mismatch?.Message);
        Assert.Equal(StreamStatus.Completed, result.Trace!.Status);
        Assert.Equal(golden, result.Trace.Outputs.Select(o => o.Data));
    }
}
