using System.Globalization;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// Chooses PE and SIMD for every layer. The II of a design is the largest of the input stream's
/// cycles and the layers' cycles, and the LUTs are a sum over layers, so for a given II the
/// fewest-LUT design takes, independently per layer, the cheapest legal folding whose cycles fit
/// in that II. Balance follows: no layer is folded faster than the II unless that is cheaper.
/// The goals differ only in how the II is chosen. Only legal foldings are ever enumerated.
/// </summary>
public static class FoldingOptimizer
{
    /// <param name="inputBeats">Cycles the input stream takes per frame: its bytes, or its beats of <paramref name="bytesPerBeat"/> bytes under `--input-width`.</param>
    public static FoldingPlan Optimize(IReadOnlyList<LayerShape> shapes, int inputBeats, FoldingGoal goal, ResourceModel? model = null, int bytesPerBeat = 1)
    {
        int inputBytes = inputBeats;
        goal.Validate();
        if (shapes.Count == 0) throw new ArgumentException("a design needs at least one layer", nameof(shapes));
        ArgumentOutOfRangeException.ThrowIfLessThan(inputBytes, 1);
        model ??= ResourceModel.Default;
        var layers = shapes.Select((s, i) => new LayerChoices(s, model, i == shapes.Count - 1)).ToList();
        long inputStageLuts = model.InputStage(inputBytes).Luts;

        // The smallest II any legal design has, and what sets it (ties go to the input stream).
        long fastest = inputBytes;
        string limit = "input stream";
        foreach (var layer in layers)
            if (layer.MinCycles > fastest) (fastest, limit) = (layer.MinCycles, layer.Shape.Name);

        long ii = goal switch
        {
            FoldingGoal.Fastest => fastest,
            FoldingGoal.TargetFps t => TargetIi(t, fastest, limit, inputBytes, layers, bytesPerBeat),
            FoldingGoal.MaxLuts m => BudgetIi(m, fastest, layers, inputStageLuts),
            FoldingGoal.MaxCycles c => Math.Max(c.Cycles, fastest),
            _ => throw new ArgumentOutOfRangeException(nameof(goal)),
        };
        return new FoldingPlan([.. layers.Select(l => l.Cheapest(ii).Folding)]);
    }

    /// <summary>The next II above <paramref name="ii"/> at which some layer can take a cheaper, slower folding; null when every layer is at its slowest.</summary>
    public static long? NextInterval(IReadOnlyList<LayerShape> shapes, long ii)
    {
        var slower = shapes.SelectMany(s => FoldingRules.LegalFoldings(s).Select(f => FoldingTiming.LayerCycles(s, f))).Where(c => c > ii).ToList();
        return slower.Count == 0 ? null : slower.Min();
    }

    /// <summary>Every II above <paramref name="ii"/> at which some layer can take a slower folding, in increasing order.</summary>
    public static IReadOnlyList<long> SlowerIntervals(IReadOnlyList<LayerShape> shapes, long ii) =>
        [.. shapes.SelectMany(s => FoldingRules.LegalFoldings(s).Select(f => FoldingTiming.LayerCycles(s, f))).Where(c => c > ii).Distinct().Order()];

    private static long TargetIi(FoldingGoal.TargetFps target, long fastest, string limit, int inputBytes, List<LayerChoices> layers, int bytesPerBeat)
    {
        long budget = FoldingTiming.CycleBudget(target.FramesPerSecond, target.ClockMhz);
        if (budget >= fastest) return budget;

        var best = ReachableFps(target.ClockMhz, fastest);
        var ask = $"--target-fps {Raw(target.FramesPerSecond)} at --clock-mhz {Raw(target.ClockMhz)} needs at most {Count(budget)} cycles per frame";
        string because;
        if (limit == "input stream")
            because = $"the input stream alone takes {Count(inputBytes)} cycles per frame ({(bytesPerBeat == 1 ? "one byte per cycle" : $"{bytesPerBeat} bytes per cycle at --input-width {8 * bytesPerBeat}")})";
        else
        {
            var layer = layers.First(l => l.Shape.Name == limit);
            var f = layer.FastestFolding;
            because = $"layer {limit} needs at least {Count(layer.MinCycles)} cycles per frame even at its fastest legal folding (PE {f.Pe}, SIMD {f.Simd})";
        }
        throw new FoldingGoalUnreachable($"{ask}, but {because}; the best reachable is {Number(best)} frames/s", limit, best, 0);
    }

    private static long BudgetIi(FoldingGoal.MaxLuts budget, long fastest, List<LayerChoices> layers, long inputStageLuts)
    {
        long TotalLuts(long ii) => inputStageLuts + layers.Sum(l => l.Cheapest(ii).Luts);

        // Fewest LUTs at an II never grows with the II, and only the layers' cycle counts change
        // which foldings fit, so those (and the fastest II) are the only IIs worth trying.
        var candidates = layers.SelectMany(l => l.Choices.Select(c => c.Cycles))
            .Where(c => c > fastest).Append(fastest).Distinct().Order().ToList();
        foreach (var ii in candidates)
            if (TotalLuts(ii) <= budget.Luts) return ii;

        long smallest = TotalLuts(candidates[^1]);
        throw new FoldingGoalUnreachable(
            $"--max-luts {budget.Luts.ToString(CultureInfo.InvariantCulture)} is below the smallest legal design, estimated at {Count(smallest)} LUTs "
            + "(every layer at its cheapest legal PE and SIMD)", "LUT budget", 0, smallest);
    }

    /// <summary>
    /// The frames/s of <paramref name="ii"/> rounded down to a figure that, asked for as a target,
    /// gives back a cycle budget of at least <paramref name="ii"/>: whole frames, or micro-frames below one frame/s.
    /// </summary>
    internal static double ReachableFps(double clockMhz, long ii)
    {
        double exact = FoldingTiming.FramesPerSecond(clockMhz, ii);
        double scale = exact >= 1 ? 1 : 1e6;
        double best = Math.Floor(exact * scale) / scale;
        while (best > 0 && FoldingTiming.CycleBudget(best, clockMhz) < ii) best -= 1 / scale;
        return best;
    }

    internal static string Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("#,0", CultureInfo.InvariantCulture)
            : value.ToString("#,0.######", CultureInfo.InvariantCulture);

    /// <summary>An option value echoed as the user would type it.</summary>
    private static string Raw(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>One legal folding of a layer with its cycles and cost (for the last layer, the argmax it feeds is included).</summary>
    private sealed record Choice(LayerFolding Folding, long Cycles, long Luts, long Ffs, long BramBits);

    private sealed class LayerChoices
    {
        public LayerChoices(LayerShape shape, ResourceModel model, bool last)
        {
            Shape = shape;
            Choices = [.. FoldingRules.LegalFoldings(shape).Select(f =>
            {
                var own = model.Layer(shape, f);
                var argmax = last ? model.Argmax(shape, f.Pe) : null;
                return new Choice(f, FoldingTiming.LayerCycles(shape, f),
                    own.Luts + (argmax?.Luts ?? 0), own.Ffs + (argmax?.Ffs ?? 0), own.BramBits + (argmax?.BramBits ?? 0));
            })];
            MinCycles = Choices.Min(c => c.Cycles);
            // Among the fastest foldings, the cheapest one (same order as everywhere else).
            FastestFolding = Choices.Where(c => c.Cycles == MinCycles).Order(CostOrder).First().Folding;
        }

        public LayerShape Shape { get; }

        public IReadOnlyList<Choice> Choices { get; }

        public long MinCycles { get; }

        public LayerFolding FastestFolding { get; }

        /// <summary>The cheapest legal folding with at most <paramref name="ii"/> cycles; the caller guarantees one exists.</summary>
        public Choice Cheapest(long ii) => Choices.Where(c => c.Cycles <= ii).Order(CostOrder).First();
    }

    /// <summary>
    /// Fewest LUTs, then flip-flops, then block-RAM bits; then the slower folding (no layer faster
    /// than it needs to be); then smaller PE and SIMD. A total order, so the result is deterministic.
    /// </summary>
    private static readonly Comparer<Choice> CostOrder = Comparer<Choice>.Create((a, b) =>
    {
        int c = a.Luts.CompareTo(b.Luts);
        if (c == 0) c = a.Ffs.CompareTo(b.Ffs);
        if (c == 0) c = a.BramBits.CompareTo(b.BramBits);
        if (c == 0) c = b.Cycles.CompareTo(a.Cycles);
        if (c == 0) c = a.Folding.Pe.CompareTo(b.Folding.Pe);
        if (c == 0) c = a.Folding.Simd.CompareTo(b.Folding.Simd);
        return c;
    });
}
