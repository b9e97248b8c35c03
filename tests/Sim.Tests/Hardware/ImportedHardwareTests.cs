using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Tests.Lowering;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>
/// Hardware for the layer kinds imported QONNX / FINN models bring: a binary first layer on
/// thresholded input bytes, bit-plane dots of n-bit activations and weights, multi-level
/// thresholds, a per-class affine before the argmax, at random foldings where PE and SIMD need
/// not divide the layer (padded). Random small models (RandomQuantizedModels, class output) against the golden
/// kernel in the C# simulator and, for a few, in Verilator; cycles per frame and latency as predicted.
/// </summary>
public sealed class ImportedHardwareTests
{
    private const int Frames = 8;

    /// <summary>Seeds whose model has hardware: the ones the stage planner accepts (what it refuses is a one-line UserError).</summary>
    private static readonly Lazy<List<(ulong Seed, Graph Graph)>> Buildable = new(() =>
    {
        var cases = new List<(ulong, Graph)>();
        for (ulong seed = 1; seed <= 120; seed++)
        {
            var model = RandomQuantizedModels.Create(seed) with { Output = OutputKind.Class };
            var graph = IntegerLowering.Lower(model, new CompileOptions());
            try
            {
                StagePlanner.Plan(graph);
                cases.Add((seed, graph));
            }
            catch (UserError e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        return cases;
    });

    /// <summary>Any legal PE and SIMD, not only the ones the optimizer offers: every value up to the layer's size where it pads.</summary>
    private static FoldingPlan AnyFolding(IReadOnlyList<LayerShape> shapes, ulong seed)
    {
        var rng = new SplitMix64(seed * 7919);
        return new FoldingPlan([.. shapes.Select(s =>
        {
            var pes = FoldingRules.PadsOutputs(s) ? [.. Enumerable.Range(1, s.Outputs)] : FoldingRules.LegalPes(s);
            var simds = FoldingRules.PadsInputs(s) ? [.. Enumerable.Range(1, s.Inputs)] : FoldingRules.LegalSimds(s);
            return new LayerFolding(s.Name, pes[rng.NextInt(pes.Count)], simds[rng.NextInt(simds.Count)]);
        })]);
    }

    private static (HardwareDesign Design, List<byte[]> Frames, int[] Golden) Case(ulong seed, Graph graph, FoldingPlan? folding = null, HardwareOptions? options = null)
    {
        var plan = StagePlanner.Plan(graph);
        var design = HardwareGenerator.Generate(plan, folding ?? AnyFolding(StagePlanner.Shapes(plan), seed), options);
        var inputs = RandomModels.Inputs(plan.InputBytes, seed, randomRows: Frames - 4);
        var frames = inputs.Chunk(plan.InputBytes).ToList();
        return (design, frames, new GraphExecutor(graph, checkRanges: true).Classify(inputs, frames.Count));
    }

    /// <summary>The golden kernel's classes at the predicted interval and latency, and again under input gaps and output stalls.</summary>
    private static void CheckQuietAndStalled(HardwareDesign design, List<byte[]> frames, int[] golden, ulong seed)
    {
        StreamChecks.Quiet(design, frames, StreamChecks.Classes(golden), $"seed {seed}");
        StreamChecks.UnderStalls(design, frames, StreamChecks.Classes(golden), seed, gap: 0.4, stall: 0.6, $"seed {seed}");
    }

    [Fact]
    public void Most_random_imported_models_have_hardware_covering_every_new_kind()
    {
        var graphs = Buildable.Value.Select(c => c.Graph).ToList();
        Assert.True(graphs.Count >= 40, $"only {graphs.Count} of 120 random imported models have hardware");
        Assert.Contains(graphs, g => g.Nodes.First(n => n.Op is Ops.BinDot or Ops.PlaneDot or Ops.Dense).Op == Ops.BinDot);
        Assert.Contains(graphs, g => g.Nodes.First(n => n.Op is Ops.BinDot or Ops.PlaneDot or Ops.Dense).Op == Ops.PlaneDot);
        Assert.Contains(graphs, g => g.Nodes.Any(n => n.Op == Ops.Thresholds));
        Assert.Contains(graphs, g => g.Nodes.Any(n => n.Op == Ops.Scale) && g.Nodes.Any(n => n.Op == Ops.PlaneDot));
    }

    [Fact]
    public void Random_imported_models_at_random_padded_foldings_match_the_golden_kernel_and_the_predicted_timing()
    {
        int padded = 0;
        foreach (var (seed, graph) in Buildable.Value.Take(30))
        {
            var (design, frames, golden) = Case(seed, graph);
            padded += design.Shapes.Count(s => s.Inputs % design.Folding.For(s.Name).Simd != 0 || s.Outputs % design.Folding.For(s.Name).Pe != 0);
            CheckQuietAndStalled(design, frames, golden, seed);
        }
        Assert.True(padded >= 15, $"only {padded} padded layers were exercised");
    }

    [Fact]
    public void Random_imported_models_match_Verilator_cycle_for_cycle()
    {
        // three designs, one Verilator build each (cached by content): a binary first layer, a plane-dot one, and the most padded
        var cases = Buildable.Value;
        var picks = new[]
        {
            cases.First(c => FirstOp(c.Graph) == Ops.BinDot),
            cases.First(c => FirstOp(c.Graph) == Ops.PlaneDot && c.Graph.Nodes.Any(n => n.Op == Ops.Thresholds)),
            cases.Last(c => FirstOp(c.Graph) == Ops.PlaneDot),
        };
        foreach (var (seed, graph) in picks)
        {
            var (design, frames, golden) = Case(seed, graph);
            StreamChecks.MatchesVerilator(design, frames, StreamChecks.Classes(golden), seed, context: $"seed {seed}");
        }
    }

    /// <summary>
    /// A plane-dot unit's n-bit activations in block RAM (SIMD x planes bits a word, element by
    /// element as in the shift-register banks), reached by lowering the input count from which the
    /// RAM form is built to 0 and folding the plane-dot layers at PE 1 with a SIMD that takes whole
    /// producer beats: the golden kernel's classes at the predicted interval and latency, under
    /// stalls too, and Verilator cycle for cycle on the first such design.
    /// </summary>
    [Fact]
    public void Plane_dot_input_banks_in_block_ram_match_the_golden_kernel_and_Verilator()
    {
        var inRam = new HardwareOptions { InputRamMinInputs = 0 };
        int built = 0;
        foreach (var (seed, graph) in Buildable.Value)
        {
            var plan = StagePlanner.Plan(graph);
            var shapes = StagePlanner.Shapes(plan);
            var folding = AnyFolding(shapes, seed);
            // every layer at PE 1 so each plane-dot layer's producer sends one element a beat (whole words from whole beats)
            // (SIMD 1, 2 or 4: words gathered over several beats too)
            int planeSimd = 1 << (int)(seed % 3);
            folding = new FoldingPlan([.. folding.Layers.Select(f => f with { Pe = 1, Simd = shapes.First(s => s.Name == f.Layer).InputWidth > 1 ? planeSimd : f.Simd })]);
            if (!shapes.All(s => FoldingRules.IsLegal(s, folding.For(s.Name)))) continue;
            var (design, frames, golden) = Case(seed, graph, folding, inRam);
            bool planeBanks = shapes.Any(s => s.InputWidth > 1 && design.Rtl.Modules.Any(m => m.Name == "layer_" + s.Name && m.Memories.Any(r => r.Name.StartsWith("bank", StringComparison.Ordinal))));
            if (!planeBanks) continue;
            CheckQuietAndStalled(design, frames, golden, seed);
            if (built == 0) StreamChecks.MatchesVerilator(design, frames, StreamChecks.Classes(golden), seed, gap: 0.4, stall: 0.6, $"seed {seed}");
            if (++built == 6) break;
        }
        Assert.True(built >= 3, $"only {built} random imported models built plane-dot input banks in block RAM");
    }

    private static string FirstOp(Graph graph) => graph.Nodes.First(n => n.Op is Ops.BinDot or Ops.PlaneDot or Ops.Dense).Op;
}
