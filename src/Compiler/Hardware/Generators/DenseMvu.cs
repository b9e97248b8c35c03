using System.Numerics;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The first layer: raw input bytes times constant integer weights. The byte stream fills one
/// half of a RAM (SIMD bytes a word) while the unit reads the other half. Per beat and PE, each
/// lane's product is a shift-add over the byte's eight bits (or a negation for +-1 weights), the
/// lanes add up in a pipelined tree, and the accumulator stage adds bias and post-ops.
/// </summary>
public static class DenseMvu
{
    /// <param name="beatBytes">Input bytes per beat of the stream (`--input-width` / 8); SIMD is a multiple of it or a power-of-two fraction (FoldingRules).</param>
    public static (RtlModule Module, int Latency) Build(ModuleLibrary library, string name, MvuStage stage, LayerFolding folding, int beatBytes = 1)
    {
        var m = new ModuleBuilder(name);
        int inputs = stage.Inputs, outputs = stage.Outputs, pe = folding.Pe, simd = folding.Simd;
        // A buffer word holds SIMD bytes, or a whole beat's when a beat carries more; then each
        // word serves wordLanes compute beats, selected by the low bits of the synapse counter.
        int wordBytes = Math.Max(simd, beatBytes);
        int words = inputs / wordBytes, wordLanes = wordBytes / simd;
        var banks = new PingPong(m, "in");

        // fill: beats arrive with beatBytes bytes each and shift into a word; each full word goes to the fill half
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", beatBytes * 8);
        m.Assign(m.Output("in_ready", 1), m.Not(banks.FillBankFull));
        var accept = m.And(inValid, m.Not(banks.FillBankFull));
        var (_, byteLast) = m.Counter("fill_byte", wordBytes / beatBytes, accept);
        var (word, wordLast) = m.Counter("fill_word", words, m.And(accept, byteLast));
        RtlSignal data = inData;
        if (wordBytes > beatBytes)
        {
            var gathered = m.Register("gather", (wordBytes - beatBytes) * 8, useReset: false);
            var all = m.Concat(inData, gathered);
            m.Next(gathered, m.Slice(all, beatBytes * 8, (wordBytes - beatBytes) * 8), accept);
            data = all;
        }
        int addressWidth = BitWidth.ToIndex(2 * words);
        RtlSignal Half(RtlSignal bank, RtlSignal offset) =>
            m.Add(m.Fit(offset, false, addressWidth), m.Mux(bank, m.Const(words, addressWidth), m.Const(0, addressWidth)));

        var issue = m.Wire("issue", 1);
        var loops = new FoldCounters(m, inputs, outputs, pe, simd, issue);
        int laneBits = BitOperations.Log2((uint)wordLanes);
        var readWord = laneBits == 0 ? loops.Synapse
            : loops.Synapse.Width > laneBits ? m.Slice(loops.Synapse, laneBits, loops.Synapse.Width - laneBits) : m.Const(0, 1);
        var buffered = m.Ram("input", wordBytes * 8, 2 * words, Half(banks.Read, readWord), null,
            Half(banks.Fill, word), data, m.And(accept, byteLast), readsNeverCollide: true);
        var x = laneBits == 0 ? buffered : SelectLanes(m, buffered, simd * 8, m.Delay(m.Slice(loops.Synapse, 0, laneBits), 1, "s1_lanes"));
        banks.Connect(m, m.And(m.And(accept, byteLast), wordLast), m.And(issue, loops.FrameLast));

        var weightsTensor = stage.Mvu.IntTensor("weights");
        bool binary = weightsTensor.Data.All(w => w is 1 or -1);
        int weightWidth = binary ? 1 : BitWidth.ToHoldSigned(weightsTensor.Data.Min(), weightsTensor.Data.Max());
        var weights = m.Rom("weights", pe * simd * weightWidth, WeightWords(weightsTensor, pe, simd, weightWidth, binary), loops.WeightAddress);

        // S1: bytes and weights of the issued beat; lane products, summed in a pipelined tree
        long weightMax = binary ? 1 : Math.Max(Math.Abs(weightsTensor.Data.Min()), Math.Abs(weightsTensor.Data.Max()));
        int productWidth = BitWidth.ToHoldSigned(-255 * (BigInteger)weightMax, 255 * (BigInteger)weightMax);
        int sumWidth = productWidth + BitWidth.ToIndex(simd); // ceil(log2 SIMD) bits of growth; a single lane keeps one spare bit
        var sums = new List<RtlSignal>();
        int treeLatency = 0;
        for (int p = 0; p < pe; p++)
        {
            var products = new List<RtlSignal>();
            for (int l = 0; l < simd; l++)
            {
                if (binary)
                {
                    // x or its complement 255 - x: one LUT a bit, and the unsigned lane sum grows
                    // from 8 bits instead of adding SIMD negations at full width; the -255 per
                    // -1 weight is the neuron's start value (NegativeWeightOffsets)
                    var lane = m.Slice(x, l * 8, 8);
                    products.Add(m.Mux(m.Bit(weights, (p * simd) + l), lane, m.Not(lane)));
                }
                else
                {
                    var w = m.Slice(weights, ((p * simd) + l) * weightWidth, weightWidth);
                    products.Add(m.ShiftAddProduct(w, true, m.Slice(x, l * 8, 8), false, sumWidth, "lane", pipelined: false).Product);
                }
            }
            var (sum, latency) = binary ? m.GrowingSumTree(products, "lanes") : m.SumTree(products, "lanes");
            treeLatency = latency;
            var registered = m.Delay(sum, 1, "s2_sum");
            // unsigned: zero-extended here, since the accumulator sign-extends its terms
            sums.Add(binary ? m.Fit(registered, false, stage.Mvu.Type.Width) : registered);
        }
        int toAccumulate = 2 + treeLatency;
        var valid = m.DelayReset(issue, toAccumulate, "s_valid");
        var first = m.Delay(loops.NeuronFirst, toAccumulate, "s_first");
        var last = m.Delay(loops.SynapseLast, toAccumulate, "s_last");
        var foldAhead = m.Delay(loops.Neuron, toAccumulate - 1, "s_fold_ahead");
        var (pushValid, pushData, postLatency) = AccumulateStage.Build(m, stage, pe, loops.NeuronFolds,
            sums.Select(s => (IReadOnlyList<RtlSignal>)[s]).ToList(), valid, first, last, foldAhead, loops.SynapseFolds,
            oneBeatPerNeuron: loops.SynapseFolds == 1, startOffsets: binary ? NegativeWeightOffsets(weightsTensor) : null);

        int pipelineLatency = toAccumulate + 1 + postLatency;
        StageOutput.ForMvu(m, library, pe * stage.OutputWidth, pipelineLatency, loops, pushValid, pushData, issue, banks.ReadBankFull);
        return (m.Build(), pipelineLatency);
    }

    /// <summary>
    /// -255 times each neuron's number of -1 weights: with a -1 weight the lane adds 255 - x
    /// instead of -x, so the neuron's sum starts that much lower.
    /// </summary>
    private static long[] NegativeWeightOffsets(Runtime.Graph.IntTensorAttr w)
    {
        int inputs = w.Shape[0], outputs = w.Shape[1];
        var offsets = new long[outputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                if (w[i, o] < 0) offsets[o] -= 255;
        return offsets;
    }

    /// <summary>The <paramref name="width"/>-bit group of <paramref name="word"/> that <paramref name="select"/> names: a tree of 2:1 multiplexers, one level per select bit.</summary>
    private static RtlSignal SelectLanes(ModuleBuilder m, RtlSignal word, int width, RtlSignal select)
    {
        var groups = Enumerable.Range(0, word.Width / width).Select(g => m.Slice(word, g * width, width)).ToList();
        for (int bit = 0; groups.Count > 1; bit++)
            groups = [.. Enumerable.Range(0, groups.Count / 2).Select(i => m.Mux(m.Bit(select, bit), groups[(2 * i) + 1], groups[2 * i]))];
        return groups[0];
    }

    private static List<BigInteger> WeightWords(Runtime.Graph.IntTensorAttr w, int pe, int simd, int width, bool binary)
    {
        int inputs = w.Shape[0], outputs = w.Shape[1];
        var words = new List<BigInteger>();
        for (int fold = 0; fold < outputs / pe; fold++)
        {
            for (int beat = 0; beat < inputs / simd; beat++)
            {
                BigInteger word = 0;
                for (int p = pe - 1; p >= 0; p--)
                {
                    for (int l = simd - 1; l >= 0; l--)
                    {
                        long value = w[(beat * simd) + l, (fold * pe) + p];
                        word = (word << width) | (binary ? (value > 0 ? 1 : 0) : Arithmetic.Word(value, width));
                    }
                }
                words.Add(word);
            }
        }
        return words;
    }
}
