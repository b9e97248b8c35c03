using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Generators;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// Fully parallel binary layers (<see cref="ParallelBinaryLayer"/>: PE = outputs, SIMD = inputs,
/// weights wired in) and the one-bit-per-pixel input (`--input-format bits`), on random small
/// imported models with a binary first layer on thresholded bytes: every threshold-decided layer
/// fully parallel, the rest at random legal foldings, bytes or bits at a random input width. The
/// C# simulator against the golden kernel (with and without stalls), cycles per frame and latency
/// exactly as predicted, and one design of each input format cycle for cycle against Verilator.
/// </summary>
public sealed class ParallelBinaryHardwareTests
{
    private const int Frames = 8;

    /// <summary>
    /// Random TFC-shaped BNNs (as FINN's TFC_1W1A, small): the input bytes as x*2-1 then
    /// BipolarQuant, one to three hidden QuantLinear layers of bipolar weights with BatchNorm and
    /// BipolarQuant (threshold-decided), a last QuantLinear and BatchNorm before the class output.
    /// </summary>
    private static readonly Lazy<List<(ulong Seed, Graph Graph)>> BinaryFirst = new(() =>
        [.. Enumerable.Range(1, 8).Select(i => ((ulong)i, IntegerLowering.Lower(TinyTfc((ulong)i), new CompileOptions())))]);

    private static ModelSpec TinyTfc(ulong seed)
    {
        var rng = new SplitMix64(seed ^ 0x7fc);
        Tensor Signs(int i, int o) => new([i, o], Enumerable.Range(0, i * o).Select(_ => rng.NextInt(2) == 0 ? -1f : 1f).ToArray());
        Tensor Vector(int n, float scale) => new([n], Enumerable.Range(0, n).Select(_ => (float)(rng.NextGaussian() * scale)).ToArray());
        Tensor Ones(int n) => new([n], Enumerable.Repeat(1f, n).ToArray());
        int inputs = 5 + rng.NextInt(36), classes = 2 + rng.NextInt(9), depth = 1 + rng.NextInt(3);
        var layers = new List<Layer> { new Affine(FeatureValues.Scalar(2), FeatureValues.Scalar(-1)), new BipolarQuant(FeatureValues.Scalar(1)) };
        int width = inputs;
        for (int d = 0; d < depth; d++)
        {
            int hidden = 2 + rng.NextInt(19);
            layers.Add(new QuantLinear(Signs(width, hidden), FeatureValues.Scalar(1)));
            layers.Add(new BatchNorm(Vector(hidden, 2), Ones(hidden), Vector(hidden, 1), Vector(hidden, 0.5f), 1e-4));
            layers.Add(new BipolarQuant(FeatureValues.Scalar(1)));
            width = hidden;
        }
        layers.Add(new QuantLinear(Signs(width, classes), FeatureValues.Scalar(1)));
        layers.Add(new BatchNorm(Vector(classes, 1), Ones(classes), Vector(classes, 1), Vector(classes, 0.5f), 1e-4));
        return new ModelSpec($"tiny-tfc-{seed}", new InputSpec([inputs], "uint8", 1.0 / 255), 64, layers, OutputKind.Class);
    }

    private sealed record Case(HardwareDesign Design, List<byte[]> Frames, List<byte[]> Wire, int[] Golden, int ParallelLayers);

    private static Case Build(ulong seed, Graph graph, bool bits, bool frameACycle = false)
    {
        var plan = StagePlanner.Plan(graph);
        if (bits) plan = InputStream.AsBits(plan);
        var widths = InputStream.LegalWidths(plan);
        plan = InputStream.Widen(plan, frameACycle ? widths.First(w => w >= plan.InputBytes) : widths[(int)(seed % (ulong)widths.Count)]);
        var shapes = StagePlanner.Shapes(plan);
        var rng = new SplitMix64(seed * 31);
        var folding = new FoldingPlan([.. shapes.Select((s, i) =>
        {
            if (frameACycle || ThresholdFolding.Of(plan.Stages[i]) is not null) return new LayerFolding(s.Name, s.Outputs, s.Inputs);
            var legal = FoldingRules.LegalFoldings(s);
            return legal[rng.NextInt(legal.Count)];
        })]);
        var design = HardwareGenerator.Generate(plan, folding);
        var inputs = RandomModels.Inputs(plan.InputBytes, seed, randomRows: Frames - 4);
        var frames = inputs.Chunk(plan.InputBytes).ToList();
        var manifest = new BuildManifest
        {
            InputBytes = plan.InputBytes, InputWidth = plan.InputWidth,
            InputFormat = bits ? InputWire.Bits : InputWire.Bytes, InputThreshold = bits ? InputStream.PixelThreshold(plan) : null,
        };
        int parallel = plan.Stages.Count(s => ParallelBinaryLayer.Builds(s, folding.For(s.Name)));
        return new Case(design, frames, [.. InputWire.Pack(manifest, frames)], new GraphExecutor(graph, checkRanges: true).Classify(inputs, frames.Count), parallel);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fully_parallel_threshold_layers_match_the_golden_kernel_and_the_predicted_timing(bool bits)
    {
        int parallel = 0;
        foreach (var (seed, graph) in BinaryFirst.Value)
        {
            var c = Build(seed, graph, bits);
            parallel += c.ParallelLayers;
            StreamChecks.Quiet(c.Design, c.Wire, StreamChecks.Classes(c.Golden), $"seed {seed}");
            StreamChecks.UnderStalls(c.Design, c.Wire, StreamChecks.Classes(c.Golden), seed, gap: 0.4, stall: 0.6, $"seed {seed}");
        }
        Assert.True(parallel >= 8, $"only {parallel} layers were built fully parallel");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fully_parallel_design_matches_Verilator_cycle_for_cycle(bool bits)
    {
        var (seed, graph) = BinaryFirst.Value[0];
        var c = Build(seed, graph, bits);
        Assert.True(c.ParallelLayers >= 1);
        StreamChecks.MatchesVerilator(c.Design, c.Wire, StreamChecks.Classes(c.Golden), seed, context: $"seed {seed}");
    }

    /// <summary>
    /// Every layer at PE = outputs, SIMD = inputs and the whole frame in one beat of bits: a frame a
    /// cycle, so the class unit must take a one-beat frame every cycle (it took one every other
    /// cycle until session 16: 2 cycles a frame where 1 was predicted).
    /// </summary>
    [Fact]
    public void A_frame_a_cycle_design_delivers_a_class_every_cycle()
    {
        int split = 0;
        foreach (var (seed, graph) in BinaryFirst.Value.Take(4))
        {
            var c = Build(seed, graph, bits: true, frameACycle: true);
            Assert.Equal(1, c.Design.CyclesPerFrame);
            // more than four one-beat lanes: the class unit's compare tree is cut by a register (session 19)
            if (c.Design.Rtl.Module(ArgMaxUnit.ModuleName).Registers.Any(r => r.Q.Name.StartsWith("half_valid"))) split++;
            var trace = StreamChecks.Quiet(c.Design, c.Wire, StreamChecks.Classes(c.Golden), $"seed {seed}");
            // from the very first class on, not only once the pipeline has filled
            Assert.All(trace.Outputs.Zip(trace.Outputs.Skip(1), (a, b) => b.Cycle - a.Cycle), g => Assert.Equal(1, g));
            StreamChecks.UnderStalls(c.Design, c.Wire, StreamChecks.Classes(c.Golden), seed, gap: 0.3, stall: 0.5, $"seed {seed}");
        }
        Assert.True(split >= 2, $"only {split} of 4 designs cut the class unit's compare tree");
    }

    [Fact]
    public void A_frame_a_cycle_design_matches_Verilator_cycle_for_cycle()
    {
        var (seed, graph) = BinaryFirst.Value[1];
        var c = Build(seed, graph, bits: true, frameACycle: true);
        Assert.Equal(1, c.Design.CyclesPerFrame);
        StreamChecks.MatchesVerilator(c.Design, c.Wire, StreamChecks.Classes(c.Golden), seed, gap: 0.2, stall: 0.4, $"seed {seed}");
    }

    [Fact]
    public void Bits_pack_a_pixel_a_bit_first_pixel_in_bit_0_and_pad_the_last_beat_with_zeros()
    {
        var manifest = new BuildManifest { InputBytes = 10, InputWidth = 16, InputFormat = InputWire.Bits, InputThreshold = 128 };
        Assert.Equal(1, manifest.InputBeats);
        Assert.Equal(2, manifest.WireBytes);
        byte[] frame = [200, 0, 128, 127, 255, 1, 0, 0, 0, 130];
        Assert.Equal([0b0001_0101, 0b0000_0010], InputWire.Pack(manifest, frame));
        var bytes = manifest with { InputFormat = InputWire.Bytes, InputThreshold = null, InputWidth = 16 };
        Assert.Same(frame, InputWire.Pack(bytes, frame));
    }

    [Fact]
    public void Bits_are_refused_for_a_model_whose_first_layer_reads_bytes()
    {
        var graph = IntegerLowering.Lower(Compiler.Tests.Hardware.SmallDesigns.Bnn(), new CompileOptions());
        var e = Assert.Throws<UserError>(() => InputStream.AsBits(StagePlanner.Plan(graph)));
        Assert.StartsWith("--input-format bits: model small-bnn does not binarize its input pixels with one threshold (its first layer l0 is a LinearLayer", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
