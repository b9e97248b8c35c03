using CsCheck;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Tensors;
using HwFlow.Sim.Streams;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// The lookup form of a threshold layer on LUT6 (count tables in block RAM addressed by the beat
/// and the activation bits): a BNN whose 24 x 16 threshold layer is folded wide and shallow, so
/// that the tables take no more block RAM than the weights and the form is chosen. Against the
/// golden kernel under input gaps and backpressure, with one neuron fold (-T in the accumulator's
/// set/reset), two (-T from ROM), and three groups; on Verilator cycle by cycle too.
/// </summary>
public sealed class LookupAccumulatorHardwareTests
{
    private static (HardwareDesign Design, List<byte[]> Frames, System.Numerics.BigInteger[] Golden) Case(ulong seed, int pe, int simd, int inputs, LogicFabric fabric = LogicFabric.Lut6)
    {
        var rng = new HwFlow.Runtime.Numerics.SplitMix64(seed);
        Tensor Signs(int rows, int cols) => new([rows, cols], [.. Enumerable.Range(0, rows * cols).Select(_ => rng.NextInt(2) == 0 ? -1f : 1f)]);
        // BatchNorm with Gaussian scales: some negative (inverted neurons)
        var model = new ModelSpec("lookup", new InputSpec([20], "uint8", 1.0 / 255), 4,
            [new LinearLayer(Signs(20, inputs)), RandomModels.Norm(rng, inputs, meanScale: 2), new Sign(), new BinLayer(Signs(inputs, 16)),
             RandomModels.Norm(rng, 16, meanScale: 2), new Sign(), new BinLayer(Signs(16, 5))],
            OutputKind.Class);
        var graph = IntegerLowering.Lower(model, new CompileOptions());
        var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
        var plan = new FoldingPlan([.. shapes.Select(s => s.Inputs == inputs && s.Outputs == 16 ? new LayerFolding(s.Name, pe, simd) : new LayerFolding(s.Name, 1, 1))]);
        var design = HardwareGenerator.Generate(graph, plan, new HardwareOptions { Fabric = fabric });
        var frameBytes = RandomModels.Inputs(20, seed, randomRows: 12);
        var frames = frameBytes.Chunk(20).ToList();
        var golden = HardwareAnswer.Expected(new GraphExecutor(graph, checkRanges: true), frameBytes, frames.Count);
        return (design, frames, golden);
    }

    private static bool HasTables(HardwareDesign design) => design.Rtl.Modules.SelectMany(m => m.Memories).Any(m => m.Name.StartsWith("counts", StringComparison.Ordinal));

    [Theory]
    [InlineData(16, 12, 24)] // one neuron fold, groups of 6 and 6
    [InlineData(8, 12, 24)] // two neuron folds: -T from ROM
    [InlineData(16, 16, 32)] // groups of 5, 5 and 6: the third table read a cycle later
    public void LookupFormMatchesTheGoldenKernelUnderStalls(int pe, int simd, int inputs)
    {
        Gen.ULong.Sample(seed =>
        {
            var (design, frames, golden) = Case(seed, pe, simd, inputs);
            Assert.True(HasTables(design));
            StreamChecks.UnderStalls(design, frames, golden, seed, gap: 0.3, stall: 0.4, $"seed {seed}, PE {pe}, SIMD {simd}");
            StreamChecks.Quiet(design, frames, golden, $"seed {seed}, PE {pe}, SIMD {simd}");
        }, iter: 6, threads: 1);
    }

    [Fact]
    public void OnLut4AndWhenTablesWouldTakeMoreBlockRamTheLayerKeepsItsXnorForm()
    {
        Assert.True(HasTables(Case(1, 16, 12, 24).Design));
        Assert.False(HasTables(Case(1, 16, 12, 24, LogicFabric.Lut4).Design));
        // PE 2: 8 neuron folds x 2 beats of 12 lanes, tables of 16 x 64 words against 16 weight words
        Assert.False(HasTables(Case(1, 2, 12, 24).Design));
    }

    [Theory]
    [InlineData(16, 16, 32, 5UL)]
    [InlineData(8, 12, 24, 6UL)]
    public void LookupFormMatchesVerilatorCycleByCycleUnderStalls(int pe, int simd, int inputs, ulong seed)
    {
        var (design, frames, golden) = Case(seed, pe, simd, inputs);
        Assert.True(HasTables(design));
        StreamChecks.MatchesVerilator(design, frames, golden, seed, context: $"seed {seed}");
    }
}
