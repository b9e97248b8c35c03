using CsCheck;
using HwFlow.Compiler.Hardware.Folding;

namespace HwFlow.Compiler.Tests.Folding;


/// <summary>A chain of layers (a dense first layer, then binary ones) and the input stream's bytes per frame.</summary>
internal sealed record RandomDesign(LayerShape[] Shapes, int InputBytes)
{
    public override string ToString() =>
        $"input {InputBytes} bytes; " + string.Join("; ", Shapes.Select(s =>
            $"{s.Name} {s.Kind} {s.Inputs}x{s.Outputs} chunk {s.Chunk} next {s.NextChunk} w{s.WeightWidth} f{s.FactorWidth} c{s.CoefficientWidth} s{s.ShiftWidth} a{s.AccumulatorWidth} o{s.OutputWidth}"));

    /// <summary>Cost the optimizer ranks a layer's folding by: its own LUTs, plus the argmax for the last layer.</summary>
    public long Luts(int layer, LayerFolding f, ResourceModel model) =>
        model.Layer(Shapes[layer], f).Luts + (layer == Shapes.Length - 1 ? model.Argmax(Shapes[layer], f.Pe).Luts : 0);

    /// <summary>
    /// The LUTs the optimizer prices <paramref name="plan"/> at: the sum of its per-layer costs. The
    /// whole design's estimate may be lower (an HBNN layer's input banks in block RAM depend on its
    /// producer's PE, which the per-layer cost does not know and prices as registers).
    /// </summary>
    public long PlanLuts(FoldingPlan plan, ResourceModel model) =>
        model.InputStage(InputBytes).Luts + Shapes.Select((s, i) => Luts(i, plan.For(s.Name), model)).Sum();

    /// <summary>The fewest LUTs of a design with every layer within <paramref name="ii"/> cycles, or null when a layer cannot get there.</summary>
    public long? MinLuts(long ii, ResourceModel model)
    {
        if (InputBytes > ii) return null;
        long total = model.InputStage(InputBytes).Luts;
        for (int i = 0; i < Shapes.Length; i++)
        {
            long best = long.MaxValue;
            foreach (var f in FoldingRules.LegalFoldings(Shapes[i]))
                if (FoldingTiming.LayerCycles(Shapes[i], f) <= ii) best = Math.Min(best, Luts(i, f, model));
            if (best == long.MaxValue) return null;
            total += best;
        }
        return total;
    }

    public long FastestIi => Math.Max(InputBytes, Shapes.Max(s => FoldingRules.LegalFoldings(s).Min(f => FoldingTiming.LayerCycles(s, f))));

    public long SlowestIi => Math.Max(InputBytes, Shapes.Max(s => (long)s.Inputs * s.Outputs));

    public long PlanCount => Shapes.Aggregate(1L, (n, s) => n * FoldingRules.LegalFoldings(s).Count);

    /// <summary>Every legal plan with its II and total LUTs (exhaustive; keep <see cref="PlanCount"/> small).</summary>
    public IEnumerable<(long Ii, long Luts)> AllPlans(ResourceModel model)
    {
        var options = Shapes.Select((s, i) => FoldingRules.LegalFoldings(s)
            .Select(f => (Cycles: FoldingTiming.LayerCycles(s, f), Luts: Luts(i, f, model))).ToArray()).ToArray();
        long inputLuts = model.InputStage(InputBytes).Luts;
        IEnumerable<(long, long)> From(int layer, long ii, long luts) =>
            layer == options.Length
                ? [(ii, luts)]
                : options[layer].SelectMany(o => From(layer + 1, Math.Max(ii, o.Cycles), luts + o.Luts));
        return From(0, InputBytes, inputLuts);
    }

    /// <summary>Random designs of 1 to 4 layers, at most <paramref name="maxWidth"/> wide: plain and highly divisible widths, chunks that do and do not divide, NextChunk couplings, every scale form.</summary>
    public static Gen<RandomDesign> Gen(int maxWidth) =>
        from count in CsCheck.Gen.Int[1, 4]
        from widths in Width(maxWidth).Array[count + 1]
        from layers in LayerParts.Array[count]
        from input in CsCheck.Gen.Int[0, 3]
        select Build(widths, layers, input == 0 ? 1 + layers[0].Seed % 3000 : widths[0]);

    private static Gen<int> Width(int max) => CsCheck.Gen.OneOf(
        CsCheck.Gen.Int[1, Math.Min(max, 40)],
        CsCheck.Gen.Select(CsCheck.Gen.Int[0, 6], CsCheck.Gen.Int[0, 2], CsCheck.Gen.Int[0, 1], CsCheck.Gen.Int[0, 1],
            (a, b, c, d) => (1 << a) * (int)Math.Pow(3, b) * (c == 1 ? 5 : 1) * (d == 1 ? 7 : 1)).Where(w => w <= max));

    private sealed record Parts(int ChunkPick, int Factor, int Coefficient, int Shift, int Accumulator, int Output, int Weight, bool Couple, int Seed);

    private static readonly Gen<Parts> LayerParts =
        from chunk in CsCheck.Gen.Int[0, 1000]
        from factor in CsCheck.Gen.Int[0, 24]
        from coefficient in CsCheck.Gen.Int[0, 12]
        from shift in CsCheck.Gen.Int[0, 6]
        from pow2 in CsCheck.Gen.Int[0, 3]
        from accumulator in CsCheck.Gen.Int[4, 48]
        from output in CsCheck.Gen.Int[1, 32]
        from weight in CsCheck.Gen.Int[2, 12]
        from couple in CsCheck.Gen.Bool
        from seed in CsCheck.Gen.Int[0, 100_000]
        select new Parts(chunk, factor, coefficient, pow2 == 0 ? shift : 0, accumulator, output, weight, couple, seed);

    private static RandomDesign Build(int[] widths, Parts[] parts, int inputBytes)
    {
        var shapes = new LayerShape[parts.Length];
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            var p = parts[i];
            int inputs = widths[i], outputs = widths[i + 1];
            // Chunks: a third of them the whole input (BNN), the rest anything from 1 to the input width.
            int chunk = p.ChunkPick % 3 == 0 ? inputs : 1 + p.ChunkPick % inputs;
            int nextChunk = i + 1 < parts.Length && p.Couple ? shapes[i + 1].Chunk : 0;
            shapes[i] = i == 0
                ? new LayerShape($"l{i}", LayerKind.Dense, inputs, outputs, inputs, 8, p.Weight, 0, 0, 0, p.Accumulator + 8, p.Output, nextChunk)
                : new LayerShape($"l{i}", LayerKind.Binary, inputs, outputs, chunk, 1, 1, p.Factor, p.Coefficient, p.Shift, p.Accumulator, p.Output, nextChunk);
        }
        return new RandomDesign(shapes, inputBytes);
    }
}
