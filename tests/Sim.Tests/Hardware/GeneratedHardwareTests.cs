using CsCheck;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Sim.Streams;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// Generated hardware against the golden kernel: random small models (HBNN with and without
/// BatchNorm and BinarizeLayer, BNN, chunks that do not divide the widths) lowered, folded at
/// random legal foldings, generated and simulated. Every class must equal the golden kernel's,
/// under random input gaps and output backpressure too, and without stalls the measured cycles
/// between results must equal the predicted initiation interval exactly.
/// </summary>
public sealed class GeneratedHardwareTests
{
    private const int Frames = 8;

    private static (Graph Graph, HardwareDesign Design, List<byte[]> Frames, int[] Golden) Case(ulong seed)
    {
        var model = RandomModels.Create(seed) with { Output = OutputKind.Class, Scales = ScaleMode.Exact };
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        var design = HardwareGenerator.Generate(graph, RandomFoldings.Create(shapes, seed));
        var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: Frames - 4);
        var frames = inputs.Chunk(model.Input.Features).ToList();
        var golden = new GraphExecutor(graph, checkRanges: true).Classify(inputs, frames.Count);
        return (graph, design, frames, golden);
    }

    [Fact]
    public void RandomModelsAtRandomFoldingsMatchTheGoldenKernelAndThePredictedInterval()
    {
        Gen.ULong.Sample(seed =>
        {
            var (graph, design, frames, golden) = Case(seed);
            var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(new StreamStimulus { Frames = frames });
            Assert.Equal(StreamStatus.Completed, trace.Status);
            Assert.Equal(golden, trace.Outputs.Select(o => (int)o.Data));
            var gaps = trace.Outputs.Zip(trace.Outputs.Skip(1), (a, b) => b.Cycle - a.Cycle).Skip(2).ToList();
            Assert.All(gaps, g => Assert.Equal(design.CyclesPerFrame, g));
            // the first frame meets an idle pipeline: its latency is predicted exactly (input starts after the reset cycles)
            Assert.Equal(design.LatencyCycles, trace.Outputs[0].Cycle - new StreamStimulus { Frames = frames }.InitialResetCycles);
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void BackpressureAndInputGapsLoseAndDuplicateNothing()
    {
        Gen.ULong.Sample(seed =>
        {
            var (_, design, frames, golden) = Case(seed);
            var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = 0.4, OutputStallProbability = 0.6 };
            var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(stimulus);
            Assert.Equal(StreamStatus.Completed, trace.Status);
            Assert.Equal(golden, trace.Outputs.Select(o => (int)o.Data));
        }, iter: 20, threads: 1);
    }
}
