using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// A threshold layer that accumulates over beats, for LUT6 fabrics: per PE the beat's XNOR
/// popcount (a compressor tree of the SIMD pairs alone, ToHold(SIMD) bits) is registered, and the
/// next stage adds it to the accumulator with one two-operand carry adder. Counting the
/// accumulator's bits inside the popcount's tree (<see cref="ThresholdMvu"/>'s form) spends
/// counters on bits that a carry chain adds for one LUT each, and mostly for nothing: above the
/// popcount's width the adder only propagates a carry. yosys synth_xilinx, mnist-bnn-mlp l3
/// (PE 256 / SIMD 16): BENCHMARKS.md, "Session 8: binary MVU density".
/// The neuron's start -T is a constant loaded through the accumulator's synchronous set/reset
/// (one neuron fold), or a ROM word selected in front of the adder, where the selection lands in
/// the adder bit's own LUT.
/// Pipeline: issue | beat registered, popcount | accumulate | output bits into the FIFO.
/// </summary>
internal static class SplitAccumulator
{
    public const int PipelineLatency = 3;

    public static bool Applies(FoldCounters loops, HardwareOptions options) => options.Fabric == LogicFabric.Lut6 && loops.SynapseFolds > 1;

    public static (RtlSignal PushValid, RtlSignal PushData) Build(ModuleBuilder m, ThresholdFolding fold, LayerFolding folding,
        FoldCounters loops, RtlSignal issue, RtlSignal bits, BeatWeights weights, HardwareOptions options)
    {
        int pe = folding.Pe, simd = folding.Simd, n = fold.Inputs;
        int width = BitWidth.ToHoldSigned(-(n + 1), n);
        int popWidth = BitWidth.ToHold(simd);

        // -T per neuron when the layer has several neuron folds: read a cycle later than the beat's
        // weights, so that it arrives with the beat's popcount
        var negT = loops.NeuronFolds > 1 ? ThresholdMvu.StartRom(m, fold, pe, width, loops, m.Delay(loops.Neuron, 1, "s1_fold"), options) : null;

        var valid1 = m.DelayReset(issue, 1, "s1_valid");
        var first1 = m.Delay(loops.NeuronFirst, 1, "s1_first");
        var last1 = m.Delay(loops.SynapseLast, 1, "s1_last");
        var bits1 = m.Delay(bits, 1, "s1_bits");
        var valid2 = m.DelayReset(valid1, 1, "s2_valid");
        var first2 = m.Delay(first1, 1, "s2_first");
        var last2 = m.Delay(last1, 1, "s2_last");
        var restart = negT is null ? m.Or(m.And(valid2, last2), m.Reset!) : null;

        var fires = new List<RtlSignal>();
        for (int p = 0; p < pe; p++)
        {
            var beat = new ColumnSum(popWidth);
            for (int l = 0; l < simd; l++) weights.AddPair(m, beat, 0, m.Bit(bits1, l), p, l, PairOp.Xnor);
            var count = m.Delay(CompressorTree.Build(m, beat, options.Fabric, $"pop{p}").Sum, 1, "s2_pop");
            var wideCount = m.Fit(count, false, width);
            RtlSignal total;
            if (negT is null)
            {
                // -T is a constant: loaded after a neuron's last beat (and on reset and power-on)
                // through the flip-flops' synchronous set/reset, not a multiplexer a bit
                var negative = Arithmetic.Word(-fold.Thresholds[p], width);
                var acc = m.Register($"acc{p}", width, negative, useReset: false);
                total = m.Add(acc, wideCount);
                m.Next(acc, m.Mux(restart!, m.Const(negative, width), total), m.Or(valid2, m.Reset!));
            }
            else
            {
                var acc = m.Register($"acc{p}", width, useReset: false);
                total = m.Add(m.Mux(first2, m.Slice(negT, p * width, width), acc), wideCount);
                m.Next(acc, total, valid2);
            }
            fires.Add(m.Not(m.Bit(total, width - 1)));
        }
        var pushValid = m.DelayReset(m.And(valid2, last2), 1, "out_valid");
        var pushData = m.Delay(m.Concat([.. fires.AsEnumerable().Reverse()]), 1, "out_bits");
        return (pushValid, pushData);
    }
}
