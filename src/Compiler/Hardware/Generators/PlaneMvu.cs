using System.Numerics;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// A folded plane-dot unit: n-bit activations times n-bit weights, multiply-free. Per beat and PE,
/// every lane's product x_l W_lj is spread into bit planes: the AND of activation plane k and
/// weight plane m lands in column k + m of one compressor tree, negated for a sign plane (as the
/// golden kernel's PlaneDot computes it), so the whole beat is one carry-save sum. The accumulator
/// stage adds the bias and the beats of a neuron and applies the post-ops (multi-level thresholds
/// for an n-bit activation). Pipeline: issue | beat registered | planes summed | accumulate | post-ops.
/// </summary>
public static class PlaneMvu
{
    public static (RtlModule Module, int Latency) Build(ModuleLibrary library, string name, MvuStage stage, LayerFolding folding, int lanesIn, int fillElements, GraphType elementType,
        int producerBeatsPerResult, HardwareOptions options)
    {
        var m = new ModuleBuilder(name);
        int inputs = stage.Inputs, outputs = stage.Outputs, pe = folding.Pe, simd = folding.Simd;
        var buffer = new BinaryInputBuffer(m, stage, lanesIn, fillElements, elementType, simd, producerBeatsPerResult, options.InputRamMinInputs, pe);
        var issue = m.Wire("issue", 1);
        var loops = new FoldCounters(m, inputs, outputs, pe, simd, issue);
        var (x, _) = buffer.Connect(m, issue, m.Const(1, 1));
        int xPlanes = (int)stage.Mvu.Int("x-planes");
        bool xSigned = stage.Mvu.Bool("x-signed");
        x = BinaryMvu.MaskPadLanes(m, x, xPlanes, stage.RealInputs, simd, loops.SynapseLast);
        buffer.ConnectBanks(m, m.And(issue, loops.FrameLast));

        var weights = stage.Mvu.IntTensor("weights");
        var (wPlanes, wSigned) = WeightPlanes(stage);
        // +-1 weights need one bit each, not the two planes of their two's complement
        bool bipolar = IsBipolar(stage);
        int wordPlanes = bipolar ? 1 : wPlanes;
        var words = Words(weights, pe, simd, wordPlanes, stage.RealInputs, bipolar);
        RtlSignal? rom = words.Count == 1 ? null
            : m.Rom("weights", pe * simd * wordPlanes, words, loops.WeightAddress, style: MemoryPolicy.Style(options.Fabric, MemoryKind.Weights, pe * simd * wordPlanes, words.Count, options.LogicWeightBits));

        // S1: the beat's activations, with its weight word from the ROM
        var valid1 = m.DelayReset(issue, 1, "s1_valid");
        var x1 = m.Delay(x, 1, "s1_x");

        // S2: the beat's sum per PE, every plane pair in one compressor tree (modulo the accumulator's width)
        int width = stage.Mvu.Type.Width;
        var sums = new List<RtlSignal>();
        for (int p = 0; p < pe; p++)
        {
            var sum = new ColumnSum(width);
            BigInteger constant = 0;
            for (int l = 0; l < simd; l++)
            {
                for (int k = 0; k < xPlanes; k++)
                {
                    var a = m.Bit(x1, (l * xPlanes) + k);
                    bool xSign = xSigned && k == xPlanes - 1;
                    if (bipolar)
                    {
                        // w = +-1 stored as one bit b (1 for +1): a plane's term +-a is xnor(a, b) + b - 1, or for a
                        // sign plane (a xor b) - b, so a masked pad lane (a = 0) adds 0 whatever b is
                        int index = (p * simd) + l;
                        BigInteger one = BigInteger.One << k;
                        if (rom is null)
                        {
                            bool b = !((words[0] >> index) & 1).IsZero;
                            bool negative = xSign == b;
                            sum.AddBit(k, a, inverted: negative);
                            if (negative) constant -= one;
                            continue;
                        }
                        var bit = m.Bit(rom, index);
                        sum.AddPair(k, a, bit, xSign ? PairOp.Xor : PairOp.Xnor);
                        sum.AddBit(k, bit, inverted: xSign);
                        constant -= one;
                        continue;
                    }
                    for (int j = 0; j < wPlanes; j++)
                    {
                        int index = (((p * simd) + l) * wPlanes) + j;
                        bool negative = xSign != (wSigned && j == wPlanes - 1);
                        int column = k + j;
                        if (rom is null)
                        {
                            if (((words[0] >> index) & 1).IsZero) continue;
                            // -a = (1 - a) - 1: the inverted bit and a constant
                            sum.AddBit(column, a, inverted: negative);
                            if (negative) constant -= BigInteger.One << column;
                        }
                        else if (negative)
                        {
                            sum.AddBit(column, m.And(a, m.Bit(rom, index)), inverted: true);
                            constant -= BigInteger.One << column;
                        }
                        else sum.AddPair(column, a, m.Bit(rom, index), PairOp.And);
                    }
                }
            }
            sum.AddConstant(constant);
            sums.Add(m.Delay(CompressorTree.Build(m, sum, options.Fabric, $"planes{p}").Sum, 1, "s2_sum"));
        }

        const int toAccumulate = 2;
        var valid = m.DelayReset(valid1, 1, "s2_valid");
        var first = m.Delay(loops.NeuronFirst, toAccumulate, "s2_first");
        var last = m.Delay(loops.SynapseLast, toAccumulate, "s2_last");
        var foldAhead = m.Delay(loops.Neuron, toAccumulate - 1, "s1_fold");
        var (pushValid, pushData, postLatency) = AccumulateStage.Build(m, stage, pe, loops.NeuronFolds,
            sums.Select(s => (IReadOnlyList<RtlSignal>)[s]).ToList(), valid, first, last, foldAhead, loops.SynapseFolds,
            oneBeatPerNeuron: loops.SynapseFolds == 1);

        int pipelineLatency = toAccumulate + 1 + postLatency;
        StageOutput.ForMvu(m, library, pe * stage.OutputWidth, pipelineLatency, loops, pushValid, pushData, issue, buffer.Banks.ReadBankFull);
        return (m.Build(), pipelineLatency + buffer.FillDelay);
    }

    /// <summary>The weight planes as the golden kernel splits them: two's complement when any weight is negative.</summary>
    public static (int Planes, bool Signed) WeightPlanes(MvuStage stage)
    {
        var data = (stage.Padding?.Original ?? stage).Mvu.IntTensor("weights").Data;
        long min = data.Min(), max = data.Max();
        return (BitWidth.ToHold(min, max), min < 0);
    }

    /// <summary>Weights all +1 or -1 (in the unpadded layer).</summary>
    public static bool IsBipolar(MvuStage stage) => (stage.Padding?.Original ?? stage).Mvu.IntTensor("weights").Data.All(w => w is 1 or -1);

    /// <summary>
    /// Word = fold * SF + beat: the planes of weight (beat*SIMD + l, fold*PE + p) at bits
    /// ((p*SIMD + l) * planes + plane), pad rows 0; bipolar weights as one bit, 1 for +1.
    /// </summary>
    private static List<BigInteger> Words(IntTensorAttr w, int pe, int simd, int planes, int realInputs, bool bipolar)
    {
        int inputs = w.Shape[0], outputs = w.Shape[1];
        var words = new List<BigInteger>();
        BigInteger mask = (BigInteger.One << planes) - 1;
        for (int fold = 0; fold < outputs / pe; fold++)
        {
            for (int beat = 0; beat < inputs / simd; beat++)
            {
                BigInteger word = 0;
                for (int p = pe - 1; p >= 0; p--)
                {
                    for (int l = simd - 1; l >= 0; l--)
                    {
                        int row = (beat * simd) + l;
                        long value = row >= realInputs ? 0 : w[row, (fold * pe) + p];
                        if (bipolar) value = value > 0 ? 1 : 0;
                        word = (word << planes) | (new BigInteger(value) & mask);
                    }
                }
                words.Add(word);
            }
        }
        return words;
    }
}
