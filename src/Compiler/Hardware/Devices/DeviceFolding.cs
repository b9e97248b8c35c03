using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// `compile --device`: the fastest design whose generated RTL, counted (<see cref="RtlResourceCount"/>),
/// fits. The folding optimizer's parametric model gives the first guess, the fastest folding within
/// the LUT budget (or the frames/s asked for); each candidate is generated and its LUTs, block RAMs
/// and, on iCE40, logic cells (LUTs and the flip-flops that cannot share a LUT's cell) counted.
/// When the guess fits, faster paces are probed and bisected the same way. While the
/// fastest design needs more blocks or cells than the device has, slower paces are searched: the candidate paces
/// are the cycle counts some layer's legal folding has (padded foldings make nearly every count one,
/// and trying each took 29 minutes on TFC_1W2A); they are probed <see cref="ProbeStep"/> apart up to
/// the first that fits, then bisected back to adjacent candidates, and plans already generated are
/// not generated again.
/// Block RAM use is not monotone in the pace (word shapes), so faster paces that were over only in
/// block RAMs are then repaired with other foldings of the same pace (<see cref="BlockRamRepair"/>).
/// Without `--input-width` every power-of-two stream width the device offers is tried, and the
/// narrowest one that gives the fastest fitting design is kept.
/// </summary>
public static class DeviceFolding
{
    /// <param name="progress">Told the number of designs generated and counted so far, after each (from worker threads too): a search can take minutes.</param>
    /// <param name="cancel">Ctrl-C: looked at before each design is generated and between the phases of its count, so the search stops within a phase of the designs under way (at most <see cref="MaxParallelDesigns"/>), with an <see cref="OperationCanceledException"/>.</param>
    public static (HardwareDesign Design, DeviceFit Fit) Fold(Device device, StagePlan stages, FoldingGoal goal, bool widthGiven = false, Action<int>? progress = null,
        CancellationToken cancel = default)
    {
        var options = new HardwareOptions { Fabric = device.Fabric, Device = device.Name };
        var counter = new Counter(progress, cancel);
        var (best, failure) = FoldAtWidths(device, stages, goal, widthGiven, options, counter);
        if (best is { } found && found.Fit.BlockRams < device.BlockRams) return found;
        // Nothing fits, or what fits takes every block RAM: block RAM may be what holds the pace
        // back, and small weight memories (up to half a block) can go to LUTs instead (TFC_2W2A on
        // the UP5K: a 1,280-bit weight table takes a block of its own). The faster design of the two
        // searches wins; the first search's reason is the one to give if neither fits.
        var (inLogic, _) = FoldAtWidths(device, stages, goal, widthGiven, options with { LogicWeightBits = device.BlockRamBits / 2 }, counter);
        if (inLogic is { } faster && (best is null || faster.Design.CyclesPerFrame < best.Value.Design.CyclesPerFrame)) return faster;
        return best ?? throw failure!;
    }

    private static ((HardwareDesign Design, DeviceFit Fit)? Best, Exception? Failure) FoldAtWidths(Device device, StagePlan stages, FoldingGoal goal, bool widthGiven, HardwareOptions options, Counter counter)
    {
        var widths = widthGiven ? [stages.InputWidth] : InputStream.PowerOfTwoWidths(stages, device.MaxInputWidth);
        (HardwareDesign Design, DeviceFit Fit)? best = null;
        Exception? failure = null;
        foreach (var width in widths)
        {
            try
            {
                var folded = FoldAt(device, stages with { InputWidth = width }, goal, best?.Design.CyclesPerFrame ?? long.MaxValue, options, counter);
                if (best is null || folded.Design.CyclesPerFrame < best.Value.Design.CyclesPerFrame) best = folded;
            }
            catch (Exception e) when (e is UserError or FoldingGoalUnreachable)
            {
                failure ??= e; // the narrowest stream's reason is the one to give if no width works
            }
        }
        return (best, failure);
    }

    /// <param name="toBeat">The pace a narrower stream reached already: a repair is not tried at paces that could not beat it.</param>
    private static (HardwareDesign Design, DeviceFit Fit) FoldAt(Device device, StagePlan stages, FoldingGoal goal, long toBeat, HardwareOptions options, Counter counter)
    {
        var shapes = StagePlanner.Shapes(stages);
        var tried = new Dictionary<FoldingKey, Trial>();
        Trial Generate(FoldingPlan plan)
        {
            counter.Cancel.ThrowIfCancellationRequested();
            var design = HardwareGenerator.Generate(stages, plan, options);
            var parts = RtlResourceCount.Of(design.Rtl, device.Fabric, counter.Cancel);
            counter.Done();
            return new Trial(plan, design, DeviceFit.Of(device, parts, BlockRamUse.Of(design.Rtl, device.Fabric)), parts);
        }
        Trial Try(FoldingPlan plan)
        {
            var key = new FoldingKey(plan);
            if (tried.TryGetValue(key, out var known)) return known;
            return tried[key] = Generate(plan);
        }
        // A batch's designs are independent of each other: they are generated and counted side by side
        // (the count is nine tenths of `--device`'s time on 7 series), then taken in the batch's order
        // as Try would have, so the choice does not depend on which finishes first.
        void TryAll(IReadOnlyList<FoldingPlan> plans)
        {
            var open = plans.Select(p => (Key: new FoldingKey(p), Plan: p)).Where(p => !tried.ContainsKey(p.Key)).DistinctBy(p => p.Key).ToList();
            if (open.Count < 2) return;
            var trials = new Trial?[open.Count];
            // a design that fails to generate is left to Try, which then fails as it would have, in the batch's order
            // a cancelled search starts no more designs here; Generate's own check then throws in the batch's order
            Parallel.For(0, open.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(Environment.ProcessorCount, MaxParallelDesigns) }, (i, loop) =>
            {
                if (counter.Cancel.IsCancellationRequested) { loop.Stop(); return; }
                try { trials[i] = Generate(open[i].Plan); }
                catch (Exception e) when (e is UserError or FoldingGoalUnreachable or ArgumentException or InvalidOperationException or OperationCanceledException) { }
            });
            counter.Cancel.ThrowIfCancellationRequested();
            for (int i = 0; i < open.Count; i++)
                if (trials[i] is { } trial) tried[open[i].Key] = trial;
        }
        // on 7 series each layer's folding at a pace is chosen by the RTL count (CountedLayerChoice); on iCE40 the parametric one is kept
        var counted = device.Fabric == LogicFabric.Lut6 ? new CountedLayerChoice(shapes, device.Fabric) : null;
        Trial Choose(FoldingPlan parametric)
        {
            var trial = Try(parametric);
            if (counted is null) return trial;
            long pace = FoldingTiming.InitiationInterval(shapes, stages.InputCycles, parametric);
            counted.Record(parametric, trial.Parts);
            var best = trial;
            // the candidates, then the lookup-form SIMDs beside the cheapest of them
            foreach (bool siblings in (bool[])[false, true])
            {
                var batches = counted.Batches(pace, parametric, siblings);
                TryAll(batches);
                foreach (var batch in batches)
                {
                    var priced = Try(batch);
                    counted.Record(batch, priced.Parts);
                    best = Cheaper(priced, best);
                }
            }
            return Cheaper(Try(counted.Cheapest(pace, parametric)), best);
        }
        // a design that fits before one that does not; then fewer LUTs, unless that takes block RAMs over the device where the other is within
        Trial Cheaper(Trial a, Trial b)
        {
            if (a.Fit.Fits != b.Fit.Fits) return a.Fit.Fits ? a : b;
            bool aOver = a.Fit.BlockRams > device.BlockRams, bOver = b.Fit.BlockRams > device.BlockRams;
            if (aOver != bOver) return aOver ? b : a;
            return a.Fit.EstimatedLuts < b.Fit.EstimatedLuts ? a : b;
        }
        var overInBlocksOnly = new List<long>();
        Trial AtPace(long cycles)
        {
            var trial = Choose(FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.MaxCycles(cycles), bytesPerBeat: stages.InputBytesPerCycle));
            if (trial.Fit.Fits || trial.Fit.BlockRams <= device.BlockRams) return trial;
            if (BlockWideWords(shapes, trial.Plan, device) is { } wide && Try(wide) is { Fit.Fits: true } widened) return widened;
            if (trial.Fit.OverOnlyInBlockRams) overInBlocksOnly.Add(cycles);
            return trial;
        }

        FoldingPlan first;
        try { first = FoldingOptimizer.Optimize(shapes, stages.InputCycles, goal, bytesPerBeat: stages.InputBytesPerCycle); }
        catch (FoldingGoalUnreachable e) when (e.SmallestLuts > 0)
        {
            // The optimizer prices an HBNN layer's input with register banks, an upper bound (its
            // producer's PE decides whether block RAM takes them), so its smallest design can be far
            // over that design's own count (fmnist-hbnn-cnn: 28,349 LUTs by the bound, 8,861 LUT6
            // counted). The smallest design itself decides: over, it is what the error names;
            // within, the paces from the fastest down are searched as when block RAM sets the pace.
            var smallest = Choose(FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.MaxCycles(long.MaxValue / 4), bytesPerBeat: stages.InputBytesPerCycle));
            if (!smallest.Fit.Fits)
                return (smallest.Design, DeviceFit.Check(device, smallest.Design, smallest.Fit, slowest: true));
            first = FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.Fastest(), bytesPerBeat: stages.InputBytesPerCycle);
        }
        var fastest = Choose(first);
        var result = fastest;
        if (fastest.Fit.Fits && goal is FoldingGoal.MaxLuts)
            result = Faster(fastest);
        else if (!fastest.Fit.Fits)
        {
            if (fastest.Fit.OverOnlyInBlockRams) overInBlocksOnly.Add(fastest.Design.CyclesPerFrame);
            var paces = FoldingOptimizer.SlowerIntervals(shapes, fastest.Design.CyclesPerFrame);
            // probe paces a factor ProbeStep apart (the last one always), stop at the first that fits, then bisect back to the probe before it
            int lo = -1, hi = -1;
            Trial? fits = null;
            long probe = 0;
            for (int at = 0; at < paces.Count; at++)
            {
                if (paces[at] < probe && at < paces.Count - 1) continue;
                var trial = AtPace(paces[at]);
                if (trial.Fit.Fits) { (hi, fits) = (at, trial); break; }
                (lo, result) = (at, trial);
                probe = (long)Math.Ceiling(paces[at] * ProbeStep);
            }
            result = fits is null ? result : Bisect(paces, lo, hi, fits); // none fits: the slowest design, still over, says by how much

            // the probes assumed block RAM falls as the pace slows; a faster pace over only in blocks may fit with
            // other word shapes. Repaired plans only gain candidates as the pace slows, so these paces are bisected too.
            var repair = new BlockRamRepair(device, shapes, plan => Try(plan).Design);
            var faster = overInBlocksOnly.Where(p => p < toBeat && (!result.Fit.Fits || p < result.Design.CyclesPerFrame)).Distinct().Order().ToList();
            int below = -1, above = faster.Count;
            while (above - below > 1)
            {
                int mid = below + ((above - below) / 2);
                var trial = repair.Plan(faster[mid]) is { } plan ? Try(plan) : null;
                if (trial is { Fit.Fits: true }) (above, result) = (mid, trial);
                else below = mid;
            }
        }
        bool slowest = FoldingOptimizer.NextInterval(shapes, result.Design.CyclesPerFrame) is null;
        return (result.Design, DeviceFit.Check(device, result.Design, result.Fit, slowest));

        // The optimizer's first guess fits by the RTL count, which is closer to yosys than the
        // parametric LUT budget it was folded for: faster paces are probed ProbeStep apart down to
        // the first that does not fit, then bisected back, as slower ones are above.
        Trial Faster(Trial fits)
        {
            var top = Choose(FoldingOptimizer.Optimize(shapes, stages.InputCycles, new FoldingGoal.Fastest(), bytesPerBeat: stages.InputBytesPerCycle));
            if (top.Fit.Fits) return top;
            long quickest = top.Design.CyclesPerFrame;
            var paces = FoldingOptimizer.SlowerIntervals(shapes, quickest).Where(c => c < fits.Design.CyclesPerFrame).Prepend(quickest).ToList();
            int hi = paces.Count, lo = 0; // paces[lo] does not fit (the fastest design); paces[hi] fits (hi == Count: the first guess)
            long probe = long.MaxValue;
            for (int at = paces.Count - 1; at > 0; at--)
            {
                if (paces[at] > probe && at > 1) continue;
                var trial = AtPace(paces[at]);
                if (!trial.Fit.Fits) { lo = at; break; }
                (hi, fits) = (at, trial);
                probe = (long)Math.Floor(paces[at] / ProbeStep);
            }
            return Bisect(paces, lo, hi, fits);
        }

        // paces[lo] does not fit (lo == -1: no pace below it was tried), paces[hi] does (fits): the
        // fastest fitting pace between them, assuming the fit is monotone in between
        Trial Bisect(IReadOnlyList<long> paces, int lo, int hi, Trial fits)
        {
            while (hi - lo > 1)
            {
                int mid = lo + ((hi - lo) / 2);
                var trial = AtPace(paces[mid]);
                if (trial.Fit.Fits) (hi, fits) = (mid, trial);
                else lo = mid;
            }
            return fits;
        }
    }

    /// <summary>
    /// The plan with every layer's weight words (PE x SIMD bits a beat) at least as wide as the
    /// device's widest block RAM word, SIMD raised to the next legal value where they are narrower;
    /// null when no layer changes. The LUT-cheapest folding at a slow pace often reads one weight
    /// bit a cycle, and a 16,000 x 1 memory takes 8 iCE40 blocks where 1,000 x 16 takes 4: a
    /// design over the device's block RAM at some pace may fit at the same pace with wider words
    /// (a faster layer, a few more LUTs).
    /// </summary>
    internal static FoldingPlan? BlockWideWords(IReadOnlyList<LayerShape> shapes, FoldingPlan plan, Device device)
    {
        int width = BlockRam.Shapes(device.Fabric).Max(s => s.Width);
        bool changed = false;
        var layers = plan.Layers.Select(f =>
        {
            var shape = shapes.First(s => s.Name == f.Layer);
            if ((long)f.Pe * f.Simd >= width || ResourceModel.IsWired(shape, f)) return f;
            int? simd = FoldingRules.LegalSimds(shape).Where(s => s > f.Simd && (long)f.Pe * s >= width).Cast<int?>().Min();
            if (simd is null || !FoldingRules.IsLegal(shape, f with { Simd = simd.Value })) return f;
            changed = true;
            return f with { Simd = simd.Value };
        }).ToList();
        return changed ? new FoldingPlan(layers) : null;
    }

    /// <summary>
    /// Paces probed are at least this factor apart. Block RAM use mostly falls as the pace slows
    /// (narrower words); where it rises again (a transform's delay lines leave registers for RAM at
    /// slow paces) a fitting range of paces narrower than this factor between two probes can be
    /// missed, so the design found is at most this factor slower than the fastest that fits,
    /// unless such a narrow range exists.
    /// </summary>
    public const double ProbeStep = 1.25;

    /// <summary>At most this many designs are generated and counted at once: each holds its bit graph (hundreds of MB for the largest).</summary>
    internal const int MaxParallelDesigns = 4;

    /// <summary>Designs generated and counted in the whole search, reported as each finishes.</summary>
    private sealed class Counter(Action<int>? progress, CancellationToken cancel)
    {
        private int _done;

        public CancellationToken Cancel => cancel;

        public void Done()
        {
            int done = Interlocked.Increment(ref _done);
            progress?.Invoke(done);
        }
    }

    /// <param name="Parts">The design's RTL count, kept so that the counted choice prices its layers without counting again.</param>
    private sealed record Trial(FoldingPlan Plan, HardwareDesign Design, DeviceFit Fit, IReadOnlyList<RtlPartCount> Parts);

    /// <summary>Plans compared by their foldings (a record's list compares by reference): several paces often give the same plan.</summary>
    private sealed record FoldingKey(string Text)
    {
        public FoldingKey(FoldingPlan plan) : this(string.Join(",", plan.Layers.Select(l => $"{l.Layer}={l.Pe}x{l.Simd}"))) { }
    }
}
