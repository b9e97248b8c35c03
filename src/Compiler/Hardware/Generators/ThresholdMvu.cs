using System.Numerics;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The compute side of a binarized layer decided by thresholds (see <see cref="ThresholdFolding"/>):
/// per PE, one compressor tree counts the beat's XNORs and adds the running total, which starts
/// each neuron at -T (from a ROM read with the beat, or, when the layer has one fold, a constant
/// loaded into the accumulator's flip-flops after the previous neuron's last beat);
/// the neuron's bit is the sign of the total after its last beat. No count decoding, no
/// comparator, and the accumulator is exactly as wide as [-(n + 1), n] needs.
/// Pipeline: issue | beat registered, count + accumulate | output bits into the FIFO; on LUT6 a layer
/// that accumulates over beats counts and accumulates in two stages (<see cref="SplitAccumulator"/>).
/// </summary>
internal static class ThresholdMvu
{
    /// <summary>Cycles from issuing a neuron fold's last beat to its bits entering the output FIFO.</summary>
    public static int PipelineLatency(FoldCounters loops, LayerFolding folding, HardwareOptions options) =>
        LookupAccumulator.Applies(loops, folding, options) ? LookupAccumulator.PipelineLatency(folding)
        : SplitAccumulator.Applies(loops, options) ? SplitAccumulator.PipelineLatency : 2;

    public static (RtlSignal PushValid, RtlSignal PushData) Build(ModuleBuilder m, MvuStage stage, ThresholdFolding fold, LayerFolding folding,
        FoldCounters loops, RtlSignal issue, RtlSignal bits, HardwareOptions options)
    {
        int pe = folding.Pe, simd = folding.Simd, n = fold.Inputs;
        int width = BitWidth.ToHoldSigned(-(n + 1), n);
        if (LookupAccumulator.Applies(loops, folding, options)) return LookupAccumulator.Build(m, stage, fold, folding, loops, issue, bits, options);
        var weights = BeatWeights.Build(m, stage.Mvu.IntTensor("weights"), pe, simd, loops.WeightAddress, options, fold.Inverted, stage.RealInputs);

        if (SplitAccumulator.Applies(loops, options)) return SplitAccumulator.Build(m, fold, folding, loops, issue, bits, weights, options);

        // -T per neuron, in the neuron fold's ROM word (read with the fold's first beat), or wired
        var negT = StartRom(m, fold, pe, width, loops, loops.Neuron, options);

        var valid1 = m.DelayReset(issue, 1, "s1_valid");
        var first1 = m.Delay(loops.NeuronFirst, 1, "s1_first");
        var last1 = m.Delay(loops.SynapseLast, 1, "s1_last");
        var bits1 = m.Delay(bits, 1, "s1_bits");
        bool accumulates = loops.SynapseFolds > 1;
        var restart = accumulates && negT is null ? m.Or(m.And(valid1, last1), m.Reset!) : null;

        var fires = new List<RtlSignal>();
        for (int p = 0; p < pe; p++)
        {
            var sum = new ColumnSum(width);
            for (int l = 0; l < simd; l++) weights.AddPair(m, sum, 0, m.Bit(bits1, l), p, l, PairOp.Xnor);
            RtlSignal? start = negT is null ? null : m.Slice(negT, p * width, width);
            if (accumulates && start is null)
            {
                // -T is a constant: the accumulator is loaded with it after a neuron's last beat
                // (and on reset and power-on) instead of selected before the tree, so the load is
                // the flip-flops' synchronous set/reset, not a multiplexer a bit
                var negative = Arithmetic.Word(-fold.Thresholds[p], width);
                var acc = m.Register($"acc{p}", width, negative, useReset: false);
                sum.AddSigned(acc, m);
                var total = CompressorTree.Build(m, sum, options.Fabric, $"pop{p}").Sum;
                m.Next(acc, m.Mux(restart!, m.Const(negative, width), total), m.Or(valid1, m.Reset!));
                fires.Add(m.Not(m.Bit(total, width - 1)));
            }
            else if (accumulates)
            {
                var acc = m.Register($"acc{p}", width, useReset: false);
                var from = start is null ? m.Mux(first1, m.Const(Arithmetic.Word(-fold.Thresholds[p], width), width), acc) : m.Mux(first1, start, acc);
                sum.AddSigned(from, m);
                var total = CompressorTree.Build(m, sum, options.Fabric, $"pop{p}").Sum;
                m.Next(acc, total, valid1);
                fires.Add(m.Not(m.Bit(total, width - 1)));
            }
            else
            {
                if (start is null) sum.AddConstant(-fold.Thresholds[p]);
                else sum.AddSigned(start, m);
                var total = CompressorTree.Build(m, sum, options.Fabric, $"pop{p}").Sum;
                fires.Add(m.Not(m.Bit(total, width - 1)));
            }
        }
        var pushValid = m.DelayReset(m.And(valid1, last1), 1, "out_valid");
        var pushData = m.Delay(m.Concat([.. fires.AsEnumerable().Reverse()]), 1, "out_bits");
        return (pushValid, pushData);
    }

    /// <summary>-T of each of the PE neurons of the fold at <paramref name="address"/>, one ROM word a fold; null when the layer has one neuron fold (then -T is a constant).</summary>
    internal static RtlSignal? StartRom(ModuleBuilder m, ThresholdFolding fold, int pe, int width, FoldCounters loops, RtlSignal address, HardwareOptions options)
    {
        int folds = loops.NeuronFolds;
        if (folds == 1) return null;
        var words = new List<BigInteger>();
        for (int f = 0; f < folds; f++)
        {
            BigInteger word = 0;
            for (int p = pe - 1; p >= 0; p--) word = (word << width) | Arithmetic.Word(-fold.Thresholds[(f * pe) + p], width);
            words.Add(word);
        }
        var style = MemoryPolicy.Style(options.Fabric, MemoryKind.Constants, pe * width, folds);
        return m.Rom("threshold", pe * width, words, address, style: style);
    }
}
