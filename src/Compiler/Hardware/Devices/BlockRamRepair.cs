using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// A second look at a pace whose fewest-LUT plan needs more block RAMs than the device has.
/// Blocks come in fixed word shapes (iCE40: 256 x 16 up to 2,048 x 2), so what a memory costs
/// depends on its word width and depth, not only its bits, and a slightly different SIMD or PE
/// can save several blocks for a few LUTs: TFC_2W2A's first layer at SIMD 26 needs 3 blocks more
/// than at SIMD 25, one cycle count apart. This makes block RAM use jump up and down with the pace,
/// which the pace search assumed monotone. Here each layer's few cheapest foldings within the pace
/// (and the cheapest with its weight words widened to a block word, see <see cref="DeviceFolding.BlockWideWords"/>)
/// are generated, their blocks counted per layer, and the plan with the fewest estimated LUTs whose
/// blocks fit is taken (a knapsack over the layers, exact over those candidates).
/// </summary>
internal sealed class BlockRamRepair(Device device, IReadOnlyList<LayerShape> shapes, Func<FoldingPlan, HardwareDesign> generate)
{
    /// <summary>Foldings per layer tried: its cheapest by the LUT estimate. Each costs one design generation at most.</summary>
    public const int CandidatesPerLayer = 6;

    private readonly Dictionary<LayerFolding, int> blocksOf = [];

    /// <summary>Every layer's legal foldings with their cycles and LUTs, cheapest first (then slower, then smaller PE and SIMD); the same at every pace.</summary>
    private readonly List<(LayerFolding Folding, long Cycles, long Luts)>[] costs = [.. shapes.Select((s, i) => FoldingRules.LegalFoldings(s)
        .Select(f => (Folding: f, Cycles: FoldingTiming.LayerCycles(s, f), Luts: Luts(shapes, i, f)))
        .OrderBy(c => c.Luts).ThenByDescending(c => c.Cycles).ThenBy(c => c.Folding.Pe).ThenBy(c => c.Folding.Simd)
        .ToList())];

    /// <summary>The fewest-LUT plan within <paramref name="pace"/> whose block RAMs fit the device, or null when none of the candidates does.</summary>
    public FoldingPlan? Plan(long pace)
    {
        var candidates = costs.Select(layer => layer.Where(c => c.Cycles <= pace).Select(c => (c.Folding, c.Luts)).Take(CandidatesPerLayer).ToList()).ToList();
        if (candidates.Any(c => c.Count == 0)) return null;
        // and the cheapest folding with its weight words widened to a whole block word, often far down the LUT order
        var cheapest = new FoldingPlan([.. candidates.Select(c => c[0].Folding)]);
        if (DeviceFolding.BlockWideWords(shapes, cheapest, device) is { } wide)
            foreach (var (layer, folding) in wide.Layers.Index())
                if (!candidates[layer].Any(c => c.Folding == folding))
                    candidates[layer].Add((folding, Luts(shapes, layer, folding)));
        int others = CountBlocks(candidates);
        int budget = device.BlockRams - others;
        if (budget < 0) return null;

        // best[b] = fewest LUTs over the layers so far using exactly b blocks, with the choices that give it
        var best = new (long Luts, int[] Picks)?[budget + 1];
        best[0] = (0, []);
        for (int layer = 0; layer < shapes.Count; layer++)
        {
            var next = new (long Luts, int[] Picks)?[budget + 1];
            for (int b = 0; b <= budget; b++)
            {
                if (best[b] is not { } sofar) continue;
                for (int c = 0; c < candidates[layer].Count; c++)
                {
                    int nb = b + blocksOf[candidates[layer][c].Folding];
                    if (nb > budget) continue;
                    long luts = sofar.Luts + candidates[layer][c].Luts;
                    if (next[nb] is { } held && held.Luts <= luts) continue; // first found wins ties: candidates are in cost order
                    next[nb] = (luts, [.. sofar.Picks, c]);
                }
            }
            best = next;
        }
        var winner = best.Where(x => x is not null).Select(x => x!.Value).OrderBy(x => x.Luts).FirstOrDefault();
        return winner.Picks is null ? null : new FoldingPlan([.. winner.Picks.Select((c, layer) => candidates[layer][c].Folding)]);
    }

    /// <summary>
    /// Counts every candidate's blocks (a generated design gives one count per layer, so the k-th
    /// design takes every layer's k-th candidate) and returns the blocks outside the layers (input
    /// adapter, FIFOs, argmax) of the first design. A layer's count comes from a design whose other
    /// layers vary; the chosen plan is generated and checked again by the caller.
    /// </summary>
    private int CountBlocks(List<List<(LayerFolding Folding, long Luts)>> candidates)
    {
        int others = -1;
        int most = candidates.Max(c => c.Count);
        for (int k = 0; k < most; k++)
        {
            var plan = new FoldingPlan([.. candidates.Select(c => c[Math.Min(k, c.Count - 1)].Folding)]);
            if (k > 0 && plan.Layers.All(blocksOf.ContainsKey)) continue;
            var rtl = generate(plan).Rtl;
            int inLayers = 0;
            foreach (var (shape, folding) in shapes.Zip(plan.Layers))
            {
                int blocks = LayerBlocks(rtl, shape.Name);
                blocksOf.TryAdd(folding, blocks);
                inLayers += blocks;
            }
            if (k == 0) others = BlockRamUse.Of(rtl, device.Fabric) - inLayers;
        }
        return others;
    }

    /// <summary>A layer's estimated LUTs at <paramref name="folding"/>, the last one's with the argmax it feeds (as the folding optimizer counts them).</summary>
    private static long Luts(IReadOnlyList<LayerShape> shapes, int layer, LayerFolding folding) =>
        ResourceModel.Default.Layer(shapes[layer], folding).Luts + (layer == shapes.Count - 1 ? ResourceModel.Default.Argmax(shapes[layer], folding.Pe).Luts : 0);

    /// <summary>A layer's blocks: its module and its window and pool, with everything they instantiate.</summary>
    private int LayerBlocks(RtlDesign rtl, string layer) =>
        HardwareGenerator.LayerInstances(layer).Sum(instance => BlockRamUse.Under(rtl, instance, device.Fabric));
}
