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
/// A folded binary matrix-vector unit (bin-dot). A layer decided by thresholds alone (BNN) is
/// built by <see cref="ThresholdMvu"/>. Otherwise, per beat and PE: the signed AND- or
/// XNOR-popcount of SIMD activation bits with SIMD weight sign bits, per chunk group, as one
/// compressor tree; counts add up over the beats of a chunk; at a chunk's end the count P becomes
/// the term F * P * coef (shift-add products) and the PE's accumulator adds it. Pipeline: issue |
/// popcount | chunk sum | F*P | *coef | accumulate | post-ops, free-running, fed only when its
/// results will find room in the output FIFO.
/// </summary>
public static class BinaryMvu
{
    /// <param name="stage">The stage, padded to <paramref name="folding"/> (<see cref="StagePadding"/>).</param>
    /// <param name="fillElements">Elements the producer sends per frame (its padded outputs, or the input bytes).</param>
    public static (RtlModule Module, int Latency) Build(ModuleLibrary library, string name, MvuStage stage, LayerFolding folding, int lanesIn, int fillElements, GraphType elementType,
        int producerBeatsPerResult, HardwareOptions options)
    {
        var m = new ModuleBuilder(name);
        int inputs = stage.Inputs, outputs = stage.Outputs, pe = folding.Pe, simd = folding.Simd, chunk = stage.Chunk;
        int chunks = (inputs + chunk - 1) / chunk;
        var buffer = new BinaryInputBuffer(m, stage, lanesIn, fillElements, elementType, simd, producerBeatsPerResult, options.InputRamMinInputs, pe, options.FactorInputRamMinInputs);
        int groups = buffer.ComputeGroups;
        int groupLanes = Math.Min(simd, chunk);

        var issue = m.Wire("issue", 1);
        var loops = new FoldCounters(m, inputs, outputs, pe, simd, issue);
        RtlSignal chunkEnd, firstChunk;
        if (simd >= chunk)
        {
            chunkEnd = m.Const(1, 1);
            firstChunk = loops.NeuronFirst;
        }
        else
        {
            var (_, beatLast) = m.Counter("chunk_beat", chunk / simd, issue, loops.SynapseLast);
            chunkEnd = m.Or(beatLast, loops.SynapseLast);
            var (chunkInNeuron, _) = m.Counter("chunk_in_neuron", chunks, m.And(issue, chunkEnd), loops.SynapseLast);
            firstChunk = m.Compare(RtlOp.Eq, chunkInNeuron, m.Const(0, chunkInNeuron.Width));
        }
        var coef = stage.Mvu.Find("coef") as IntTensorAttr;
        bool shiftForm = stage.Mvu.Find("shift") is IntTensorAttr;
        int minChunkBeats = MinChunkBeats(inputs, chunk, simd);
        bool serial = !shiftForm && coef is not null && buffer.FactorWidth > 0 && simd < chunk && minChunkBeats >= 2;
        // the serial product takes its factor at S4: read it there (see BinaryInputBuffer.Connect)
        int factorDelay = serial && buffer.FactorDelayAllowed(SerialFactorStage) ? SerialFactorStage : 0;
        var (bits, factors) = buffer.Connect(m, issue, chunkEnd, factorDelay);
        bits = MaskPadLanes(m, bits, 1, stage.RealInputs, simd, loops.SynapseLast);
        buffer.ConnectBanks(m, m.And(issue, loops.FrameLast));

        if (ThresholdFolding.Of(stage) is { } thresholds)
        {
            var (valid, data) = ThresholdMvu.Build(m, stage, thresholds, folding, loops, issue, bits, options);
            int thresholdLatency = ThresholdMvu.PipelineLatency(loops, folding, options);
            var thresholdOutput = new StageOutput(m, library, pe * stage.OutputWidth, thresholdLatency, loops.SynapseFolds, valid, data);
            m.Assign(issue, m.And(buffer.Banks.ReadBankFull, m.Or(m.Not(loops.SynapseLast), thresholdOutput.Credit)));
            thresholdOutput.Track(m, m.And(issue, loops.SynapseLast));
            return (m.Build(), thresholdLatency + buffer.FillDelay);
        }

        RtlSignal? coefAddress = null;
        if (coef is not null || shiftForm)
            coefAddress = simd >= chunk ? loops.WeightAddress : m.Counter("caddr", (long)loops.NeuronFolds * chunks, m.And(issue, chunkEnd)).Value;

        var weights = BeatWeights.Build(m, stage.Mvu.IntTensor("weights"), pe, simd, loops.WeightAddress, options, realInputs: stage.RealInputs);

        // S1: the issued beat, with its weights from the ROM
        var valid1 = m.DelayReset(issue, 1, "s1_valid");
        var chunkEnd1 = m.Delay(chunkEnd, 1, "s1_chunk_end");
        var first1 = m.Delay(firstChunk, 1, "s1_first");
        var last1 = m.Delay(loops.SynapseLast, 1, "s1_last");
        var fold1 = m.Delay(loops.Neuron, 1, "s1_fold");
        var bits1 = m.Delay(bits, 1, "s1_bits");
        var factors1 = factors is null || factorDelay > 0 ? null : m.Delay(factors, 1, "s1_factors");
        var coefAddress1 = coefAddress is null ? null : m.Delay(coefAddress, 1, "s1_caddr");

        // S2: signed counts per PE and chunk group
        bool unipolar = stage.Prep!.Encoding == BitEncoding.ZeroOne;
        int countWidth = BitWidth.ToHoldSigned(-groupLanes, groupLanes);
        // 0/1 bits: P = 2 pop(a & w) - pop(a), and pop(a) is the same for every PE
        var ones = unipolar
            ? Enumerable.Range(0, groups).Select(g => m.Popcount(m.Slice(bits1, g * groupLanes, groupLanes))).ToList()
            : null;
        var counts = new List<List<RtlSignal>>();
        for (int p = 0; p < pe; p++)
        {
            var row = new List<RtlSignal>();
            for (int g = 0; g < groups; g++)
            {
                var sum = new ColumnSum(countWidth);
                for (int l = 0; l < groupLanes; l++)
                    weights.AddPair(m, sum, 1, m.Bit(bits1, (g * groupLanes) + l), p, (g * groupLanes) + l, unipolar ? PairOp.And : PairOp.Xnor);
                if (ones is not null) sum.AddNegated(ones[g], m);
                else sum.AddConstant(-groupLanes);
                row.Add(m.Delay(CompressorTree.Build(m, sum, options.Fabric, $"count{p}").Sum, 1, "s2_count"));
            }
            counts.Add(row);
        }
        var valid2 = m.DelayReset(valid1, 1, "s2_valid");
        var chunkEnd2 = m.Delay(chunkEnd1, 1, "s2_chunk_end");

        // S3: whole-chunk counts P (summed over the chunk's beats when a chunk spans beats)
        int pWidth = BitWidth.ToHoldSigned(-chunk, chunk);
        var chunkCounts = new List<List<RtlSignal>>();
        for (int p = 0; p < pe; p++)
        {
            var row = new List<RtlSignal>();
            foreach (var count in counts[p])
            {
                var wide = m.Fit(count, true, pWidth);
                if (simd < chunk)
                {
                    var partial = m.Register($"partial{p}", pWidth, useReset: false);
                    var total = m.Add(partial, wide);
                    m.Next(partial, m.Mux(chunkEnd2, m.Const(0, pWidth), total), valid2);
                    wide = total;
                }
                row.Add(m.Delay(wide, 1, "s3_count"));
            }
            chunkCounts.Add(row);
        }
        var valid3 = m.DelayReset(m.And(valid2, chunkEnd2), 1, "s3_valid");

        var factorNode = stage.Factor;
        long factorMax = factorNode?.Type.Max ?? 1;
        var factors3 = factors1 is null ? null : m.Delay(factors1, 2, "s3_factors");
        int serialDrain = 0;
        var (terms, toAccumulate) = shiftForm
            ? (ShiftTerms.Build(m, stage, chunkCounts, factors3, buffer.FactorWidth, coefAddress1!, pe, groups, chunks, inputs / simd, options.Fabric), ShiftTerms.Latency)
            : serial
            ? SerialTerms(m, chunkCounts, valid3, factorDelay > 0 ? factors! : m.Delay(m.Slice(factors3!, 0, buffer.FactorWidth), 1, "s4_factor"), buffer.FactorWidth, factorMax, coef!, coefAddress1!, pe, chunks, chunk, minChunkBeats, options.Fabric, out serialDrain)
            : ParallelTerms(m, chunkCounts, factors3, buffer.FactorWidth, factorMax, coef, coefAddress1, pe, groups, chunks, chunk, inputs / simd, options.Fabric);
        var valid5 = m.DelayReset(valid3, toAccumulate, "s5_valid");

        // control reaching the accumulator: the chunk-end beats only, in order. Through a long
        // serial product it is held instead of shifted along, captured as late as the product's
        // drain cycles after its start: the next product may start while this one drains, and its
        // control must not replace this one's before the accumulator has read it.
        RtlSignal first5, last5, foldAhead;
        if (serial)
        {
            var start = m.DelayReset(valid3, 1 + serialDrain, "s4_hold");
            RtlSignal AtStart(RtlSignal s1Value, string name) => m.Hold(m.Delay(s1Value, 3 + serialDrain, name + "_s4"), start, name);
            first5 = AtStart(first1, "s5_first");
            last5 = AtStart(last1, "s5_last");
            foldAhead = AtStart(fold1, "s5_fold");
        }
        else
        {
            first5 = m.Delay(first1, 2 + toAccumulate, "s5_first");
            last5 = m.Delay(last1, 2 + toAccumulate, "s5_last");
            foldAhead = m.Delay(fold1, 1 + toAccumulate, "s5_fold_ahead");
        }
        var (pushValid, pushData, postLatency) = AccumulateStage.Build(m, stage, pe, loops.NeuronFolds,
            terms.Select(r => (IReadOnlyList<RtlSignal>)r).ToList(), valid5, first5, last5, foldAhead, loops.SynapseFolds,
            oneBeatPerNeuron: simd >= chunk ? loops.SynapseFolds == 1 : chunks == 1);

        int pipelineLatency = 1 + 1 + 1 + toAccumulate + 1 + postLatency;
        StageOutput.ForMvu(m, library, pe * stage.OutputWidth, pipelineLatency, loops, pushValid, pushData, issue, buffer.Banks.ReadBankFull);
        return (m.Build(), pipelineLatency + buffer.FillDelay);
    }

    /// <summary>
    /// The lanes of a neuron's last beat that lie beyond the real inputs (SIMD does not divide
    /// them) read 0, whatever the buffer holds there: against their stored weight bit 1 they add
    /// nothing to an AND or XNOR popcount.
    /// </summary>
    internal static RtlSignal MaskPadLanes(ModuleBuilder m, RtlSignal bits, int planes, int realInputs, int simd, RtlSignal lastBeat)
    {
        int realInLast = realInputs - ((realInputs - 1) / simd * simd);
        if (realInLast == simd) return bits;
        var notLast = planes == 1 ? m.Not(lastBeat) : m.Concat([.. Enumerable.Repeat(m.Not(lastBeat), planes)]);
        var lanes = Enumerable.Range(0, simd).Select(l => m.Slice(bits, l * planes, planes)).Select((lane, l) => l < realInLast ? lane : m.And(lane, notLast));
        return m.Concat([.. lanes.Reverse()]);
    }

    /// <summary>The stage at which the serial chunk term starts and takes its factor: issue | S1 | S2 | S3 | S4.</summary>
    private const int SerialFactorStage = 4;

    /// <summary>The fewest beats any chunk takes (the last chunk may be shorter).</summary>
    private static int MinChunkBeats(int inputs, int chunk, int simd)
    {
        int residual = inputs - (((inputs + chunk - 1) / chunk) - 1) * chunk;
        return Math.Min(chunk, residual) / simd;
    }

    /// <summary>
    /// Chunk terms F * P * coef with parallel shift-add products: F * P over P's bits, then times
    /// the coefficient over its bits (ROM read a cycle ahead). Returns the terms and the cycles
    /// from the whole-chunk counts (S3) to the accumulator.
    /// </summary>
    private static (List<List<RtlSignal>> Terms, int Latency) ParallelTerms(ModuleBuilder m, List<List<RtlSignal>> counts, RtlSignal? factors,
        int factorWidth, long factorMax, IntTensorAttr? coef, RtlSignal? coefAddress1, int pe, int groups, int chunks, int chunk, int beatsPerFold, LogicFabric fabric)
    {
        // A plain XNOR/AND count (a BNN layer: no chunk factor, no coefficient) is its own term:
        // no product stages, so no registers that would only delay it.
        if (factors is null && coef is null) return (counts, 0);
        int fpWidth = BitWidth.ToHoldSigned(-(BigInteger)chunk * factorMax, (BigInteger)chunk * factorMax);
        int fpLatency = 0;
        var fp = new List<List<RtlSignal>>();
        for (int p = 0; p < pe; p++)
        {
            var row = new List<RtlSignal>();
            for (int g = 0; g < groups; g++)
            {
                if (factors is null)
                {
                    row.Add(m.Fit(counts[p][g], true, fpWidth));
                    continue;
                }
                var f = m.Slice(factors, g * factorWidth, factorWidth);
                var (product, latency) = m.ShiftAddProduct(f, false, counts[p][g], true, fpWidth, "fp");
                fpLatency = latency;
                row.Add(product);
            }
            fp.Add(row.Select(s => m.Delay(s, 1, "s4_fp")).ToList());
        }

        var terms = fp;
        int termLatency = 0;
        if (coef is not null)
        {
            int coefWidth = BitWidth.ToHoldSigned(coef.Data.Min(), coef.Data.Max());
            var address = m.Delay(coefAddress1!, 2 + fpLatency, "s4_caddr");
            var coefContent = CoefficientWords(coef, pe, groups, coefWidth, groups > 1 ? beatsPerFold : chunks, chunks);
            var coefWords = m.Rom("coef", pe * groups * coefWidth, coefContent, address, style: MemoryPolicy.Style(fabric, MemoryKind.Constants, pe * groups * coefWidth, coefContent.Count));
            long coefMax = Math.Max(Math.Abs(coef.Data.Min()), Math.Abs(coef.Data.Max()));
            int termWidth = BitWidth.ToHoldSigned(-(BigInteger)chunk * factorMax * coefMax, (BigInteger)chunk * factorMax * coefMax);
            terms = [];
            for (int p = 0; p < pe; p++)
            {
                var row = new List<RtlSignal>();
                for (int g = 0; g < groups; g++)
                {
                    var c = m.Slice(coefWords, ((p * groups) + g) * coefWidth, coefWidth);
                    var (product, latency) = m.ShiftAddProduct(fp[p][g], true, c, true, termWidth, "term");
                    termLatency = latency;
                    row.Add(product);
                }
                terms.Add(row);
            }
        }
        terms = terms.Select(row => row.Select(s => m.Delay(s, 1, "s5_term")).ToList()).ToList();
        return (terms, fpLatency + 1 + termLatency + 1);
    }

    /// <summary>
    /// Chunk terms for small foldings, where a chunk spans several beats: Q = P * coef (small
    /// numbers, in parallel), then F * Q by a serial shift-add that finishes within the shortest
    /// chunk, a fraction of the parallel product's area.
    /// </summary>
    private static (List<List<RtlSignal>> Terms, int Latency) SerialTerms(ModuleBuilder m, List<List<RtlSignal>> counts, RtlSignal valid3, RtlSignal factor4,
        int factorWidth, long factorMax, IntTensorAttr coef, RtlSignal coefAddress1, int pe, int chunks, int chunk, int cycleBudget, LogicFabric fabric, out int drain)
    {
        int coefWidth = BitWidth.ToHoldSigned(coef.Data.Min(), coef.Data.Max());
        long coefMax = Math.Max(Math.Abs(coef.Data.Min()), Math.Abs(coef.Data.Max()));
        int qWidth = BitWidth.ToHoldSigned(-(BigInteger)chunk * coefMax, (BigInteger)chunk * coefMax);
        int termWidth = BitWidth.ToHoldSigned(-(BigInteger)chunk * factorMax * coefMax, (BigInteger)chunk * factorMax * coefMax);
        // the coefficient arrives with the whole-chunk count (S3): its ROM read is issued at S2
        var coefContent = CoefficientWords(coef, pe, 1, coefWidth, chunks, chunks);
        var coefWords = m.Rom("coef", pe * coefWidth, coefContent, m.Delay(coefAddress1, 1, "s2_caddr"), style: MemoryPolicy.Style(fabric, MemoryKind.Constants, pe * coefWidth, coefContent.Count));
        var start = m.DelayReset(valid3, 1, "s4_start");
        int bitsPerCycle = SerialProduct.BitsPerCycleFor(qWidth, cycleBudget);
        int latency = 0;
        drain = 0;
        var terms = new List<List<RtlSignal>>();
        for (int p = 0; p < pe; p++)
        {
            var c = m.Slice(coefWords, p * coefWidth, coefWidth);
            var q = m.ShiftAddProduct(c, true, counts[p][0], true, qWidth, "q", pipelined: false).Product;
            var serial = SerialProduct.BuildCarrySave(m, start, factor4, false, m.Delay(q, 1, "s4_q"), termWidth, bitsPerCycle, $"term{p}");
            latency = serial.Latency;
            drain = serial.Latency - serial.Cycles;
            terms.Add([serial.Result]);
        }
        return (terms, 1 + latency);
    }

    /// <summary>Coefficient ROM: one word per chunk step (a beat's chunk groups when chunks fit in a beat, else one chunk).</summary>
    internal static List<BigInteger> CoefficientWords(IntTensorAttr coef, int pe, int groups, int width, int stepsPerFold, int chunks)
    {
        int outputs = coef.Shape[1];
        var words = new List<BigInteger>();
        for (int fold = 0; fold < outputs / pe; fold++)
        {
            for (int step = 0; step < stepsPerFold; step++)
            {
                BigInteger word = 0;
                for (int p = pe - 1; p >= 0; p--)
                {
                    for (int g = groups - 1; g >= 0; g--)
                    {
                        int c = (step * groups) + g;
                        long value = coef.Shape[0] == 1 ? coef[0, (fold * pe) + p] : coef[Math.Min(c, chunks - 1), (fold * pe) + p];
                        word = (word << width) | Arithmetic.Word(value, width);
                    }
                }
                words.Add(word);
            }
        }
        return words;
    }
}
