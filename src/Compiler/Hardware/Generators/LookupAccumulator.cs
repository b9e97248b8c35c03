using System.Numerics;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// A threshold layer that accumulates over beats, for LUT6 fabrics, in lookup form: every PE sees
/// the same activation bits of a beat, so the XNOR count of a group of up to six of them against a
/// PE's weights is a function of (weight address, those bits) alone. One block-RAM table a group,
/// addressed by {weight address, group bits}, holds that count for every PE of the beat; per PE
/// only the groups' counts are summed (two-operand adders, a register after each level: yosys's
/// alumacc would merge chained additions into one full-adder tree) and added to the accumulator.
/// No XNOR and no first compressor level in LUTs. yosys synth_xilinx, mnist-bnn-mlp l3 (PE 256 /
/// SIMD 16): BENCHMARKS.md, "Session 15: lookup MVU". Used only where the tables take no more
/// block RAM than the weight words they replace (a wide, shallow weight ROM: many PEs, few beats).
/// The neuron's start -T as in <see cref="SplitAccumulator"/>.
/// Pipeline: issue | table counts | one stage a tree level | accumulate | output bits into the FIFO.
/// </summary>
internal static class LookupAccumulator
{
    private const int MaxGroup = 6;

    public static bool Applies(FoldCounters loops, LayerFolding folding, HardwareOptions options) =>
        SplitAccumulator.Applies(loops, options) && TablesFit(loops.SynapseFolds, loops.NeuronFolds, folding, options.Fabric);

    /// <summary>
    /// Whether a threshold layer folded so (<paramref name="synapseFolds"/> beats of
    /// <paramref name="neuronFolds"/> neuron folds) takes the lookup form on <paramref name="fabric"/>:
    /// LUT6, more than one beat a neuron, tables in no more block RAM than the weight words.
    /// </summary>
    public static bool Applies(int synapseFolds, int neuronFolds, LayerFolding folding, LogicFabric fabric) =>
        fabric == LogicFabric.Lut6 && synapseFolds > 1 && TablesFit(synapseFolds, neuronFolds, folding, fabric);

    private static bool TablesFit(int synapseFolds, int neuronFolds, LayerFolding folding, LogicFabric fabric)
    {
        long words = (long)synapseFolds * neuronFolds;
        int tables = Groups(folding.Simd).Sum(g => BlockRam.Blocks(fabric, folding.Pe * BitWidth.ToHold(g), words << g));
        return tables <= BlockRam.Blocks(fabric, folding.Pe * folding.Simd, words);
    }

    public static int PipelineLatency(LayerFolding folding) => Levels(Groups(folding.Simd).Length) + 2;

    /// <summary>SIMD lanes split into the fewest groups of at most six, sizes differing by at most one (16: 5, 5, 6).</summary>
    internal static int[] Groups(int simd)
    {
        int k = (simd + MaxGroup - 1) / MaxGroup;
        return [.. Enumerable.Range(0, k).Select(g => (simd / k) + (g >= k - (simd % k) ? 1 : 0))];
    }

    private static int Levels(int groups) => groups <= 1 ? 0 : BitWidth.ToHold(groups - 1);

    public static (RtlSignal PushValid, RtlSignal PushData) Build(ModuleBuilder m, MvuStage stage, ThresholdFolding fold, LayerFolding folding,
        FoldCounters loops, RtlSignal issue, RtlSignal bits, HardwareOptions options)
    {
        int pe = folding.Pe, simd = folding.Simd, n = fold.Inputs;
        int width = BitWidth.ToHoldSigned(-(n + 1), n);
        var groups = Groups(simd);
        int levels = Levels(groups.Length);
        var words = BeatWeights.Words(stage.Mvu.IntTensor("weights"), pe, simd, fold.Inverted, stage.RealInputs);

        // a group left over at a tree level waits for its partner by reading its table later (a
        // delayed address, shared by all PEs) instead of a register a PE
        var delay = new int[groups.Length];
        var pending = Enumerable.Range(0, groups.Length).ToList(); // a group, or -1 for a sum
        while (pending.Count > 1)
        {
            var next = new List<int>();
            for (int i = 0; i < pending.Count; i += 2)
            {
                if (i + 1 < pending.Count) next.Add(-1);
                else
                {
                    if (pending[i] >= 0) delay[pending[i]]++;
                    next.Add(pending[i]);
                }
            }
            pending = next;
        }

        var counts = new RtlSignal[groups.Length];
        for (int g = 0, low = 0; g < groups.Length; low += groups[g], g++)
        {
            var address = m.Concat(loops.WeightAddress, m.Slice(bits, low, groups[g]));
            if (delay[g] > 0) address = m.Delay(address, delay[g], $"t{g}_addr");
            var style = MemoryPolicy.Style(options.Fabric, MemoryKind.Weights, pe * BitWidth.ToHold(groups[g]), words.Count << groups[g]);
            counts[g] = m.Rom($"counts{g}", pe * BitWidth.ToHold(groups[g]), Table(words, pe, simd, low, groups[g]), address, style: style);
        }

        // -T per neuron when the layer has several neuron folds: read to arrive at the accumulate stage
        var negT = loops.NeuronFolds > 1 ? ThresholdMvu.StartRom(m, fold, pe, width, loops, m.Delay(loops.Neuron, levels, "t_fold"), options) : null;

        var valid = m.DelayReset(issue, 1 + levels, "t_valid");
        var first = m.Delay(loops.NeuronFirst, 1 + levels, "t_first");
        var last = m.Delay(loops.SynapseLast, 1 + levels, "t_last");
        var restart = negT is null ? m.Or(m.And(valid, last), m.Reset!) : null;

        var fires = new List<RtlSignal>();
        for (int p = 0; p < pe; p++)
        {
            var terms = new List<(RtlSignal Value, int Max, bool Table)>();
            for (int g = 0; g < groups.Length; g++)
            {
                int cw = BitWidth.ToHold(groups[g]);
                terms.Add((m.Slice(counts[g], p * cw, cw), groups[g], true));
            }
            while (terms.Count > 1)
            {
                var next = new List<(RtlSignal, int, bool)>();
                for (int i = 0; i < terms.Count; i += 2)
                {
                    if (i + 1 == terms.Count)
                    {
                        next.Add(terms[i].Table ? terms[i] : (m.Delay(terms[i].Value, 1, "t_wait"), terms[i].Max, false));
                        continue;
                    }
                    int max = terms[i].Max + terms[i + 1].Max, w = BitWidth.ToHold(max);
                    next.Add((m.Delay(m.Add(m.Fit(terms[i].Value, false, w), m.Fit(terms[i + 1].Value, false, w)), 1, $"t_sum{p}"), max, false));
                }
                terms = next;
            }
            var count = m.Fit(terms[0].Value, false, width);
            RtlSignal total;
            if (negT is null)
            {
                // the constant -T is loaded through the flip-flops' synchronous set/reset, above the
                // enable (FDRE/FDSE's order)
                var negative = Arithmetic.Word(-fold.Thresholds[p], width);
                var acc = m.Register($"acc{p}", width, negative, useReset: false);
                total = m.Add(acc, count);
                m.Next(acc, m.Mux(restart!, m.Const(negative, width), m.Mux(valid, total, acc)));
            }
            else
            {
                var acc = m.Register($"acc{p}", width, useReset: false);
                total = m.Add(m.Mux(first, m.Slice(negT, p * width, width), acc), count);
                m.Next(acc, total, valid);
            }
            fires.Add(m.Not(m.Bit(total, width - 1)));
        }
        var pushValid = m.DelayReset(m.And(valid, last), 1, "out_valid");
        var pushData = m.Delay(m.Concat([.. fires.AsEnumerable().Reverse()]), 1, "out_bits");
        return (pushValid, pushData);
    }

    /// <summary>Word (address &lt;&lt; m) | a: PE p's count at bits [p*cw, p*cw + cw) is how many of a's m bits equal the PE's weight bits of lanes low..low+m-1.</summary>
    private static List<BigInteger> Table(List<BigInteger> words, int pe, int simd, int low, int m)
    {
        int cw = BitWidth.ToHold(m);
        var table = new List<BigInteger>(words.Count << m);
        foreach (var word in words)
        {
            var lanes = new int[pe];
            for (int p = 0; p < pe; p++) lanes[p] = (int)((word >> ((p * simd) + low)) & ((1 << m) - 1));
            for (int a = 0; a < 1 << m; a++)
            {
                BigInteger entry = 0;
                for (int p = pe - 1; p >= 0; p--)
                    entry = (entry << cw) | (uint)(m - BitOperations.PopCount((uint)((a ^ lanes[p]) & ((1 << m) - 1))));
                table.Add(entry);
            }
        }
        return table;
    }
}
