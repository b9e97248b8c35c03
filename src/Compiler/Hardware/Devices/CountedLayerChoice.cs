using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Resources;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// On 7 series, the folding of each layer at a pace chosen by the RTL count of what is generated,
/// not by the folding optimizer's parametric model (fitted to LUT4 cells). The two disagree where
/// the generator builds another form on LUT6: a threshold layer with many PEs and few beats becomes
/// a block-RAM lookup (<see cref="Generators.LookupAccumulator"/>) at about half the LUT6 of the
/// XNOR-popcount folding the model prefers (TFC_1W1A, bit input, 13 cycles on the xc7a100t: 4,125
/// LUT6 counted against 8,518, 4,475 in synth_xilinx; BENCHMARKS.md, "Session 17: compile --device
/// on 7 series chooses each pace's folding by the LUT6 count").
/// A layer's candidates at a pace are, for each legal PE, the smallest SIMD that keeps the layer
/// within the pace (a wider SIMD at the same PE only adds lanes), with at most
/// <see cref="LaneSlack"/> times the lanes of the leanest of them: the parametric model's cheapest
/// few and, for each PE, the narrowest SIMD the generator builds in lookup form, the leanest few
/// of those (<see cref="OthersTried"/>, <see cref="LookupsTried"/>). They are priced in batches: the
/// n-th plan gives every layer its n-th candidate not yet counted, and one count of that design
/// prices all its layers (a layer's top-level instances, with its window and pool, as the count splits them). Each layer then
/// takes its cheapest candidate. A layer's count in a batch can differ a little from its count
/// beside other neighbours (its input buffer follows its producer's PE), so the caller keeps the
/// cheaper, by the whole design's count, of this plan, the batches and the parametric plan.
/// </summary>
internal sealed class CountedLayerChoice(IReadOnlyList<LayerShape> shapes, LogicFabric fabric)
{
    /// <summary>Candidates have at most this factor more lanes (PE x SIMD) than the leanest one at the pace: a cheaper form can take a few more lanes (TFC_1W1A's l2 in lookup form at 64 x 64 lanes against 5 x 784 in XNOR form), and the cap bounds the designs to count.</summary>
    public const double LaneSlack = 2.0;

    private readonly Dictionary<LayerFolding, double> luts = [];

    /// <summary>
    /// The plans that price every candidate of every layer at <paramref name="pace"/> not yet
    /// priced; the parametric plan fills the layers whose candidates are all priced. With
    /// <paramref name="siblings"/>, the candidates are instead the other lookup-form SIMDs beside
    /// each layer's cheapest priced folding when that is in lookup form (<see cref="Siblings"/>).
    /// </summary>
    public IReadOnlyList<FoldingPlan> Batches(long pace, FoldingPlan parametric, bool siblings = false)
    {
        var open = shapes.Select(s => (siblings ? Siblings(s, pace, parametric.For(s.Name)) : Candidates(s, pace, parametric.For(s.Name))).Where(f => !luts.ContainsKey(f)).ToList()).ToList();
        int rounds = open.Max(o => o.Count);
        return [.. Enumerable.Range(0, rounds).Select(r => new FoldingPlan([.. shapes.Select((s, i) => r < open[i].Count ? open[i][r] : parametric.For(s.Name))]))];
    }

    /// <summary>Records the LUT6 (logic and memory) each layer of a counted design takes.</summary>
    public void Record(FoldingPlan plan, IReadOnlyList<RtlPartCount> parts)
    {
        foreach (var shape in shapes)
        {
            var folding = plan.For(shape.Name);
            if (luts.ContainsKey(folding)) continue;
            var instances = HardwareGenerator.LayerInstances(shape.Name);
            luts[folding] = parts.Where(p => instances.Contains(p.Instance)).Sum(p => RtlResourceCoefficients.Luts(p, fabric) + p.LutMemory);
        }
    }

    /// <summary>Every layer at its cheapest priced folding within <paramref name="pace"/> (ties: the parametric folding, then fewer lanes); call after the batches are recorded.</summary>
    public FoldingPlan Cheapest(long pace, FoldingPlan parametric) => new([.. shapes.Select(s => CheapestPriced(s, pace, parametric.For(s.Name)))]);

    private LayerFolding CheapestPriced(LayerShape shape, long pace, LayerFolding parametric) =>
        luts.Keys.Where(f => f.Layer == shape.Name && FoldingTiming.LayerCycles(shape, f) <= pace).Append(parametric).Distinct()
            .OrderBy(f => luts.GetValueOrDefault(f, double.MaxValue)).ThenBy(f => f == parametric ? 0 : 1).ThenBy(f => (long)f.Pe * f.Simd).ThenBy(f => f.Pe).ThenBy(f => f.Simd).First();

    /// <summary>
    /// When the layer's cheapest priced folding is in lookup form, the other SIMDs of its PE with
    /// as many beats a neuron that are in lookup form too (at most <see cref="Generators.LookupAccumulator"/>'s
    /// group size of them, nearest first): the same pace, but the tables' group sizes, so their
    /// block RAM words and adders, differ (TFC_1W1A's l2 at PE 64: 4,151 LUT6 counted at SIMD 61,
    /// 2,692 at SIMD 64).
    /// </summary>
    private List<LayerFolding> Siblings(LayerShape shape, long pace, LayerFolding parametric)
    {
        var best = CheapestPriced(shape, pace, parametric);
        if (!PaddedLookup(shape) || !Lookup(shape, best)) return [];
        int folds = FoldingTiming.Folds(shape.Inputs, best.Simd);
        return [.. Enumerable.Range(1, shape.Inputs).Where(simd => simd != best.Simd && FoldingTiming.Folds(shape.Inputs, simd) == folds)
            .Select(simd => best with { Simd = simd })
            .Where(f => FoldingRules.IsLegal(shape, f) && FoldingTiming.LayerCycles(shape, f) <= pace && Lookup(shape, f))
            .OrderBy(f => Math.Abs(f.Simd - best.Simd)).ThenBy(f => f.Simd).Take(SiblingsTried)];
    }

    /// <summary>Lookup-form SIMDs tried beside the cheapest: a group's size cycles through six values.</summary>
    private const int SiblingsTried = 6;

    private bool PaddedLookup(LayerShape shape) => fabric == LogicFabric.Lut6 && shape.Kind == LayerKind.Binary && FoldingRules.PadsInputs(shape);

    private bool Lookup(LayerShape shape, LayerFolding f) =>
        Generators.LookupAccumulator.Applies(FoldingTiming.Folds(shape.Inputs, f.Simd), FoldingTiming.Folds(shape.Outputs, f.Pe), f, fabric);

    /// <summary>The layer's candidates at the pace, the parametric folding first; only it when no legal folding is within the pace.</summary>
    private List<LayerFolding> Candidates(LayerShape shape, long pace, LayerFolding parametric)
    {
        var within = FoldingRules.LegalFoldings(shape).Where(f => FoldingTiming.LayerCycles(shape, f) <= pace)
            .GroupBy(f => f.Pe).Select(g => g.MinBy(f => f.Simd)!).ToList();
        if (within.Count == 0) return [parametric];
        long leanest = within.Min(f => (long)f.Pe * f.Simd);
        long most = (long)Math.Floor(leanest * LaneSlack);
        var narrow = within.Where(f => f != parametric && (long)f.Pe * f.Simd <= most)
            .OrderBy(f => ResourceModel.Default.Layer(shape, f).Luts).ThenBy(f => f.Pe).Take(OthersTried);
        var lookups = within.Select(f => LookupForm(shape, pace, f, most)).OfType<LayerFolding>()
            .OrderBy(f => (long)f.Pe * f.Simd).ThenBy(f => f.Pe).Take(LookupsTried);
        return [parametric, .. narrow.Concat(lookups).Distinct().Where(f => f != parametric)];
    }

    /// <summary>
    /// Candidates priced beside the parametric folding: the model's next cheapest (its ranking of
    /// XNOR-popcount foldings mostly holds on LUT6), and the leanest lookup-form ones (which it
    /// ranks far too dear). Bounds the designs generated a pace: a 256-output layer has some 25
    /// PEs within the lanes, and mnist-bnn-mlp's design takes seconds to generate and count.
    /// </summary>
    private const int OthersTried = 3, LookupsTried = 3;

    /// <summary>
    /// The narrowest SIMD at the folding's PE, from its own up, within the pace and the lanes
    /// allowed, that the generator builds in lookup form: whether the form applies depends on how
    /// the block RAM words fall; null when none does (a padded layer only: a divisor-folded one
    /// has no SIMD between its legal ones).
    /// </summary>
    private LayerFolding? LookupForm(LayerShape shape, long pace, LayerFolding narrowest, long mostLanes)
    {
        if (!PaddedLookup(shape)) return null;
        for (int simd = narrowest.Simd; simd <= shape.Inputs && (long)narrowest.Pe * simd <= mostLanes; simd++)
        {
            var f = narrowest with { Simd = simd };
            if (FoldingRules.IsLegal(shape, f) && FoldingTiming.LayerCycles(shape, f) <= pace && Lookup(shape, f)) return f;
        }
        return null;
    }
}
