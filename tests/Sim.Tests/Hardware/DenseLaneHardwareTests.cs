using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Streams;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// The LUT-saving forms of issue 14 on BNNs, where they apply: a +-1 first layer whose lanes add
/// x or 255 - x (the -255 per -1 weight folded into the neuron's start), an input RAM whose
/// collision bypass synthesis may drop, and threshold layers with one neuron fold whose
/// accumulators load -T through their flip-flops' set/reset. Every PE a neuron (one fold) with
/// several beats is the case the load serves; other foldings keep the older form and are covered
/// by <see cref="GeneratedHardwareTests"/>. C# simulator against the golden kernel under stalls,
/// then Verilator against the C# simulator cycle by cycle.
/// </summary>
public sealed class DenseLaneHardwareTests
{
    private static (HardwareDesign Design, List<byte[]> Frames, System.Numerics.BigInteger[] Golden) Case(ulong seed)
    {
        var rng = new SplitMix64(seed);
        int inputs = 12 + rng.NextInt(20), h1 = 4 + rng.NextInt(9), h2 = 3 + rng.NextInt(6), classes = 3 + rng.NextInt(4);
        var layers = new List<Layer>
        {
            new LinearLayer(RandomModels.Signs(rng, inputs, h1)),
            RandomModels.Norm(rng, h1, meanScale: 2),
            new Sign(),
            new BinLayer(RandomModels.Signs(rng, h1, h2)),
            RandomModels.Norm(rng, h2, meanScale: 2),
            new Sign(),
            new BinLayer(RandomModels.Signs(rng, h2, classes)),
        };
        var model = new ModelSpec($"dense-lanes-{seed}", new InputSpec([inputs], "uint8", 1.0 / 255), 4, layers, OutputKind.Class, ScaleMode.Exact);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        // every layer: all neurons at once (PE = outputs), inputs over several beats (the smallest legal SIMD above 1 when there is one)
        var plan = new FoldingPlan([.. shapes.Select(s =>
        {
            var simds = FoldingRules.LegalSimds(s).Where(x => x < s.Inputs).ToList();
            return new LayerFolding(s.Name, FoldingRules.LegalPes(s).Max(), simds.Count == 0 ? 1 : simds[rng.NextInt(simds.Count)]);
        })]);
        var fabric = seed % 2 == 0 ? LogicFabric.Lut4 : LogicFabric.Lut6;
        var design = HardwareGenerator.Generate(graph, plan, new HardwareOptions { Fabric = fabric });
        var bytes = RandomModels.Inputs(inputs, seed, randomRows: 8);
        var frames = bytes.Chunk(inputs).ToList();
        var golden = HardwareAnswer.Expected(new GraphExecutor(graph, checkRanges: true), bytes, frames.Count);
        return (design, frames, golden);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(5UL)]
    [InlineData(6UL)]
    [InlineData(9UL)]
    [InlineData(10UL)]
    public void BinaryFirstLayersAndLoadedThresholdAccumulatorsMatchTheGoldenKernelUnderStalls(ulong seed)
    {
        var (design, frames, golden) = Case(seed);
        Assert.Contains(design.Rtl.Modules, m => m.Memories.Any(x => x.ReadsNeverCollide));
        StreamChecks.UnderStalls(design, frames, golden, seed, gap: 0.3, stall: 0.3, $"seed {seed}");
        StreamChecks.Quiet(design, frames, golden, $"seed {seed}");
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(4UL)]
    public void BinaryFirstLayersAndLoadedThresholdAccumulatorsMatchVerilatorCycleByCycle(ulong seed)
    {
        var (design, frames, golden) = Case(seed);
        StreamChecks.MatchesVerilator(design, frames, golden, seed, context: $"seed {seed}");
    }
}
