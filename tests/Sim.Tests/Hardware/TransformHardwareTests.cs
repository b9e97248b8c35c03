using CsCheck;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// The butterfly network against the golden kernel: random small models whose first layer is a
/// Walsh-Hadamard transform on the input bytes (padded or not, signs, a shift; then BNN sign or
/// HBNN ramp and chunked binarization), at random legal foldings (from one value a beat to the
/// whole frame in one beat), on the C# simulator and on Verilator, with and without stalls.
/// </summary>
public sealed class TransformHardwareTests
{
    private const int Frames = 8;

    private static (Graph Graph, HardwareDesign Design, List<byte[]> Frames, int[] Golden) Case(ulong seed)
    {
        var model = Model(seed);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        // a random --input-width: the transform takes a byte a cycle, so wider beats go through the width adapter
        var plan = StagePlanner.Plan(graph);
        var widths = InputStream.LegalWidths(plan);
        plan = InputStream.Widen(plan, widths[(int)((seed >> 3) % (ulong)widths.Count)]);
        var shapes = StagePlanner.Shapes(plan);
        Assert.Equal(LayerKind.Transform, shapes[0].Kind);
        var design = HardwareGenerator.Generate(plan, RandomFoldings.Create(shapes, seed));
        var inputs = RandomModels.Inputs(model.Input.Features, seed, randomRows: Frames - 4);
        var frames = inputs.Chunk(model.Input.Features).ToList();
        var golden = new GraphExecutor(graph, checkRanges: true).Classify(inputs, frames.Count);
        return (graph, design, frames, golden);
    }

    /// <summary>Input 4..32 or 100..128 bytes, a transform of the next power of two (or twice that), then one or two binary layers.</summary>
    public static ModelSpec Model(ulong seed)
    {
        var rng = new SplitMix64(seed);
        // a third of the models are long enough for delay lines in RAM (over 512 bits)
        int inputs = rng.NextInt(3) == 0 ? 100 + (4 * rng.NextInt(8)) : 4 * (1 + rng.NextInt(8));
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)inputs) << rng.NextInt(2);
        int hidden = 4 + rng.NextInt(12), classes = 2 + rng.NextInt(6);
        int shift = rng.NextInt(3);
        // the transform's float outputs spread about sqrt(inputs) / 2 * 2^-shift: the BatchNorm means follow
        double spread = Math.Sqrt(inputs) / 2 * Math.ScaleB(1, -shift);
        var layers = new List<Layer> { new WalshHadamard(size, RandomModels.Signs(rng, size), Shift: shift), RandomModels.Norm(rng, size, spread) };
        if (rng.NextInt(2) == 0)
        {
            layers.AddRange([new Sign(), new BinLayer(RandomModels.Signs(rng, size, hidden))]);
        }
        else
        {
            layers.AddRange([new Ramp(), new BinarizeLayer(), new BinLayer(RandomModels.Gaussian(rng, 1, size, hidden))]);
        }
        layers.AddRange([RandomModels.Norm(rng, hidden, 2), new Sign(), new BinLayer(RandomModels.Signs(rng, hidden, classes))]);
        return new ModelSpec($"wht{seed % 1000}", new InputSpec([inputs], "uint8", 1.0 / 255), 4, layers, OutputKind.Class);
    }

    [Fact]
    public void RandomTransformModelsAtRandomFoldingsMatchTheGoldenKernelAndThePredictedInterval()
    {
        int withRamLines = 0;
        Gen.ULong.Sample(seed =>
        {
            var (_, design, frames, golden) = Case(seed);
            if (design.Rtl.Modules.Any(m => m.Memories.Any(r => r.Name.Contains("_line", StringComparison.Ordinal)))) withRamLines++;
            var trace = new StreamDriver(Simulator.Create(design.Rtl)).Run(new StreamStimulus { Frames = frames });
            Assert.Equal(StreamStatus.Completed, trace.Status);
            Assert.Equal(golden, trace.Outputs.Select(o => (int)o.Data));
            var gaps = trace.Outputs.Zip(trace.Outputs.Skip(1), (a, b) => b.Cycle - a.Cycle).Skip(2).ToList();
            Assert.All(gaps, g => Assert.Equal(design.CyclesPerFrame, g));
        }, iter: 40, threads: 1);
        Assert.True(withRamLines >= 4, $"only {withRamLines} of the random designs had a delay line in RAM");
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
        }, iter: 30, threads: 1);
    }

    [Theory]
    [InlineData(3UL, 0.0, 0.0, false)]
    [InlineData(8UL, 0.3, 0.5, false)]
    [InlineData(21UL, 0.5, 0.3, true)]
    public void VerilatorAgreesTransactionByTransactionAndCycleByCycle(ulong seed, double gap, double stall, bool ramLines)
    {
        var (_, design, frames, golden) = Case(seed);
        // the first case from this seed on whose delay lines include a RAM, when asked for
        while (ramLines && !design.Rtl.Modules.Any(m => m.Memories.Any(r => r.Name.Contains("_line", StringComparison.Ordinal))))
            (_, design, frames, golden) = Case(++seed);
        var model = VerilatorModels.ForDesign(design.Rtl, HarnessKind.Stream);
        var result = Cosimulation.Stream(Simulator.Create(design.Rtl), model, new StreamStimulus { Frames = frames, Seed = seed, InputGapProbability = gap, OutputStallProbability = stall });
        Assert.True(result.Agree, result.Mismatch?.Message);
        Assert.Equal(golden, result.Trace!.Outputs.Select(o => (int)o.Data));
    }

    [Fact]
    public void ATransformAfterAMatrixVectorLayerIsRefusedByName()
    {
        var rng = new SplitMix64(5);
        var model = new ModelSpec("late", new InputSpec([8], "uint8", 1.0 / 255), 4,
            [new LinearLayer(RandomModels.Signs(rng, 8, 8)), RandomModels.Norm(rng, 8), new Sign(), new WalshHadamard(8, RandomModels.Signs(rng, 8)),
                RandomModels.Norm(rng, 8), new Sign(), new BinLayer(RandomModels.Signs(rng, 8, 3))], OutputKind.Class);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var error = Assert.Throws<HwFlow.Runtime.Errors.UserError>(() => StagePlanner.Plan(graph));
        Assert.Contains("only a Walsh-Hadamard transform reading the input bytes", error.Message);
    }
}
