using System.Numerics;
using CsCheck;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Sim.Streams;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// Generated hardware against the golden kernel: random small models (HBNN with and without
/// BatchNorm and BinarizeLayer, BNN, chunks that do not divide the widths, exact or pow2 chunk
/// scales, class or scores output) lowered, folded at random legal foldings and input-stream
/// widths, generated for either logic fabric and simulated. Every class (every score of a scores output) must equal the golden kernel's,
/// under random input gaps and output backpressure too, and without stalls the measured cycles
/// between results must equal the predicted initiation interval exactly.
/// </summary>
public sealed class GeneratedHardwareTests
{
    private const int Frames = 8;

    internal static (Graph Graph, HardwareDesign Design, List<byte[]> Frames, BigInteger[] Golden) Case(ulong seed, bool pow2Scores = false)
    {
        var model = RandomModels.Create(seed);
        if (pow2Scores) model = model with { Scales = ScaleMode.Pow2, Output = OutputKind.Scores };
        return Case(model, seed, Frames, new HardwareOptions());
    }

    /// <summary>A model lowered, folded at a random legal folding for either fabric, generated, with frames and their golden answers.</summary>
    internal static (Graph Graph, HardwareDesign Design, List<byte[]> Frames, BigInteger[] Golden) Case(ModelSpec model, ulong seed, int frameCount, HardwareOptions options)
    {
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        // every --input-width the frame allows: several bytes a beat, the first layer's SIMD a multiple or a power-of-two fraction of them
        var plan = StagePlanner.Plan(graph);
        var widths = InputStream.LegalWidths(plan);
        plan = InputStream.Widen(plan, widths[(int)((seed >> 8) % (ulong)widths.Count)]);
        var shapes = StagePlanner.Shapes(plan);
        // both compressor-tree forms: 3:2 counters (LUT4) and 6:3 counters with XNOR pairs in their tables (LUT6)
        var fabric = seed % 2 == 0 ? LogicFabric.Lut4 : LogicFabric.Lut6;
        var design = HardwareGenerator.Generate(plan, RandomFoldings.Create(shapes, seed), options with { Fabric = fabric });
        var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: frameCount - 4);
        var frames = inputs.Chunk(model.Input.Features).ToList();
        var golden = HardwareAnswer.Expected(new GraphExecutor(graph, checkRanges: true), inputs, frames.Count);
        return (graph, design, frames, golden);
    }

    [Fact]
    public void RandomModelsAtRandomFoldingsMatchTheGoldenKernelAndThePredictedInterval()
    {
        Gen.ULong.Sample(seed =>
        {
            var (graph, design, frames, golden) = Case(seed);
            StreamChecks.Quiet(design, frames, golden, $"seed {seed}");
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void Pow2ScalesAndScoresOutputsMatchTheGoldenKernelUnderStalls()
    {
        // every model with shift-only chunk scales and all scores streamed out (each a quarter of the random models otherwise)
        Gen.ULong.Sample(seed =>
        {
            var (graph, design, frames, golden) = Case(seed, pow2Scores: true);
            Assert.True(HardwareAnswer.IsScores(graph));
            Assert.Contains(graph.Nodes, n => n.Find("shift") is IntTensorAttr);
            StreamChecks.UnderStalls(design, frames, golden, seed, gap: 0.3, stall: 0.5, $"seed {seed}");
            StreamChecks.Quiet(design, frames, golden, $"seed {seed}");
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void BackpressureAndInputGapsLoseAndDuplicateNothing()
    {
        Gen.ULong.Sample(seed =>
        {
            var (_, design, frames, golden) = Case(seed);
            StreamChecks.UnderStalls(design, frames, golden, seed, gap: 0.4, stall: 0.6, $"seed {seed}");
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void SimdLanesEqualSingleLaneRunsOfGeneratedHardwareUnderStalls()
    {
        // Each lane streams the frames in its own order under one stimulus timing; every lane's
        // transcript (results and the cycles they appear on) must equal a single-lane run.
        Gen.ULong.Sample(seed =>
        {
            var (_, design, frames, golden) = Case(seed);
            var netlist = Netlists.Netlist.Of(design.Rtl);
            var lanes = Enumerable.Range(0, Simulator.LaneCount)
                .Select(l => (IReadOnlyList<byte[]>)[.. frames.Select((_, i) => frames[(i + l) % frames.Count])]).ToList();
            var stimulus = new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = 0.3, OutputStallProbability = 0.3 };
            var traces = new StreamDriver(Simulator.CreateLanes(netlist, ["s_axis_tdata"])).RunLanes(stimulus, lanes);
            for (int l = 0; l < lanes.Count; l++)
            {
                var alone = new StreamDriver(Simulator.Create(netlist)).Run(stimulus with { Frames = lanes[l] });
                Assert.Equal(alone.Lines(), traces[l].Lines());
                Assert.Equal(lanes[l].Select(f => golden[frames.IndexOf(f)]), traces[l].Outputs.Select(o => o.Data));
            }
        }, iter: 12, threads: 1);
    }
}

/// <summary>
/// Small foldings use serial shift-add products (chunk terms when a chunk spans beats, and a
/// BatchNorm scale after a +-1 first layer when results are far apart). A model that needs both,
/// at PE 1 and SIMD 1, against the golden kernel.
/// </summary>
public sealed class SerialProductHardwareTests
{
    [Fact]
    public void SerialChunkTermsAndSerialScalesMatchTheGoldenKernel()
    {
        var rng = new HwFlow.Runtime.Numerics.SplitMix64(21);
        HwFlow.Runtime.Tensors.Tensor Gaussian(double std, params int[] shape) => RandomModels.Gaussian(rng, std, shape);
        var signs = new HwFlow.Runtime.Tensors.Tensor([20, 12], Enumerable.Range(0, 240).Select(i => rng.NextInt(2) == 0 ? -0.5f : 0.5f).ToArray());
        BatchNorm Norm(int n) => new(Gaussian(3, n), new HwFlow.Runtime.Tensors.Tensor([n], Enumerable.Repeat(1.5f, n).ToArray()), Gaussian(1, n), Gaussian(0.5, n), 1e-4);
        var model = new ModelSpec("serial", new InputSpec([20], "uint8", 1.0 / 255), 4,
            [new LinearLayer(signs), Norm(12), new Ramp(), new BinarizeLayer(), new BinLayer(Gaussian(1, 12, 8)), Norm(8), new Ramp(), new BinLayer(Gaussian(1, 8, 5))],
            OutputKind.Class);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        Assert.Contains(graph.Nodes, n => n.Op == Ops.Scale);
        var plan = new HwFlow.Compiler.Hardware.Folding.FoldingPlan([.. shapes.Select(s => new HwFlow.Compiler.Hardware.Folding.LayerFolding(s.Name, 1, 1))]);
        var design = HardwareGenerator.Generate(graph, plan);
        var inputs = RandomModels.Inputs(20, 21, randomRows: 12);
        var frames = inputs.Chunk(20).ToList();
        var golden = new GraphExecutor(graph, checkRanges: true).Classify(inputs, frames.Count);
        var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(new StreamStimulus { Frames = frames, OutputStallProbability = 0.3, Seed = 4 });
        Assert.Equal(StreamStatus.Completed, trace.Status);
        Assert.Equal(golden, trace.Outputs.Select(o => (int)o.Data));
        var quiet = new StreamDriver(Simulator.Create(design.Rtl)).Run(new StreamStimulus { Frames = frames });
        Assert.Equal(design.LatencyCycles, quiet.Outputs[0].Cycle - new StreamStimulus { Frames = frames }.InitialResetCycles);
    }
}

/// <summary>
/// Pow2 scales and scores outputs on Verilator: random small models at random foldings, the C#
/// simulator and Verilator compared transaction by transaction and cycle by cycle under stalls,
/// and every score equal to the golden kernel's.
/// </summary>
public sealed class Pow2ScoresCosimTests
{
    [Theory]
    [InlineData(3UL)]
    [InlineData(8UL)]
    [InlineData(13UL)]
    public void Pow2ScoresHardwareMatchesVerilatorAndTheGoldenKernelUnderStalls(ulong seed)
    {
        var (_, design, frames, golden) = GeneratedHardwareTests.Case(seed, pow2Scores: true);
        StreamChecks.MatchesVerilator(design, frames, golden, seed, context: $"seed {seed}");
    }
}
