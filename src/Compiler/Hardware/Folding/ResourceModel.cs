namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// LUT, flip-flop and block-RAM-bit estimates of the folded streaming dataflow, counted from the
/// structure the hardware generator builds (see the "Hardware architecture" section of DESIGN.md
/// and the folding brief). Every formula lives in this file; each term says where it comes from.
/// Structure is counted exactly (adder bits, gate bits, 2:1 multiplexer bits, register bits, ROM
/// bits); <see cref="ResourceCosts"/> turns it into LUTs and is what calibration adjusts.
/// </summary>
public sealed class ResourceModel(ResourceCosts costs)
{
    public static ResourceModel Default { get; } = new(ResourceCosts.Default);

    public ResourceCosts Costs { get; } = costs;

    /// <summary>Every layer with its folding, then the input stage and the argmax.</summary>
    public DesignResources Design(IReadOnlyList<LayerShape> shapes, int inputBytes, FoldingPlan plan)
    {
        var layers = shapes.Select(s => Layer(s, plan.For(s.Name))).ToList();
        var last = shapes[^1];
        return new DesignResources(layers, [InputStage(inputBytes), Argmax(last, plan.For(last.Name).Pe)]);
    }

    public StageResources Layer(LayerShape shape, Folding folding)
    {
        if (FoldingRules.Check(shape, folding) is { } violation) throw new ArgumentException(violation);
        var terms = shape.Kind == LayerKind.Dense ? DenseTerms(shape, folding) : BinaryTerms(shape, folding);
        terms.AddRange(OutputTerms(shape, folding));
        return StageResources.Of(shape.Name, terms, Costs);
    }

    /// <summary>The first layer: uint8 inputs times signed WeightWidth-bit weights, shift-add per lane.</summary>
    private List<ResourceTerm> DenseTerms(LayerShape s, Folding f)
    {
        long lanes = (long)f.Pe * f.Simd;
        bool wired = IsWired(s, f);
        int x = s.InputWidth, w = s.WeightWidth, acc = s.AccumulatorWidth;
        var terms = new List<ResourceTerm>();
        int productWidth;
        if (w == 2)
        {
            // Weights are +-1: the product is the input or its negation, an XOR per input bit whose
            // +1 enters the adder tree as a carry-in. Wired weights pick add or subtract at build time.
            productWidth = x + 1;
            terms.Add(Term("lane products (+-x)", gates: wired ? 0 : lanes * x));
        }
        else
        {
            // Shift-add over the InputWidth input bits: InputWidth partial products (weight AND
            // input bit, WeightWidth bits each, shifted), summed by a tree up to WeightWidth+InputWidth bits.
            productWidth = w + x;
            double adders = lanes * AdderTreeBits(x, w, w + x);
            terms.Add(Term("lane products (shift-add)",
                adders: wired ? adders * Costs.WiredProductFraction : adders,
                gates: wired ? 0 : lanes * x * w));
        }
        // SIMD products summed per PE, each level one bit wider, at most AccumulatorWidth.
        terms.Add(Term("lane adder trees", adders: f.Pe * AdderTreeBits(f.Simd, productWidth, acc)));
        terms.Add(Term("accumulators", adders: (double)f.Pe * acc, ffs: (long)f.Pe * acc));
        // Weight ROM: one PE x SIMD x WeightWidth word per cycle, Cycles words deep (block RAM);
        // a fully parallel layer has its weights wired into the products instead.
        terms.Add(Term("weight ROM", bram: wired ? 0 : (long)s.Inputs * s.Outputs * w));
        // Ping-pong input buffer, 2 x Inputs bytes, read SIMD bytes per cycle (block RAM); when
        // SIMD = Inputs it is read whole, so it is registers with a bank-select multiplexer.
        long bufferBits = 2L * s.Inputs * x;
        terms.Add(s.Inputs / f.Simd > 1
            ? Term("input buffer", bram: bufferBits)
            : Term("input buffer", muxes: bufferBits / 2, ffs: bufferBits));
        return terms;
    }

    /// <summary>A bin-dot layer: AND/XNOR popcounts per chunk group, chunk factor and coefficient (or shift), accumulation.</summary>
    private List<ResourceTerm> BinaryTerms(LayerShape s, Folding f)
    {
        bool wired = IsWired(s, f);
        int groups = Math.Max(1, f.Simd / s.Chunk);            // G chunk groups per PE
        int groupLanes = Math.Min(f.Simd, s.Chunk);            // inputs per group and beat
        int countBits = CeilLog2(s.Chunk) + 2;                  // a signed chunk count, -Chunk..Chunk
        int acc = s.AccumulatorWidth;
        long chunks = ChunkCount(s);
        double pg = (double)f.Pe * groups;
        var terms = new List<ResourceTerm>
        {
            // One AND/XNOR of an activation bit with a weight bit per lane; with wired weights an
            // XNOR/AND with a constant is a wire, an inverter or zero.
            Term("weight gates", gates: wired ? 0 : (double)f.Pe * f.Simd),
            Term("popcounts", adders: pg * PopcountBits(groupLanes)),
            // The chunk's count is accumulated over the beats that carry the chunk.
            Term("chunk counters", adders: pg * countBits, ffs: (long)(pg * countBits)),
        };
        int valueWidth = countBits;
        if (s.ShiftWidth > 0)
        {
            // pow2 scales: a barrel shifter (ShiftWidth stages of 2:1 multiplexers) instead of both products.
            terms.Add(Term("chunk shifters", muxes: pg * s.ShiftWidth * acc));
            valueWidth = acc;
        }
        else
        {
            if (s.FactorWidth > 0)
            {
                // F x P by shift-add over the count's bits: countBits partial products FactorWidth bits wide.
                // The factor is a runtime value (from the previous layer), so never wired.
                terms.Add(Term("factor products",
                    adders: pg * AdderTreeBits(countBits, s.FactorWidth, s.FactorWidth + countBits),
                    gates: pg * countBits * s.FactorWidth));
                valueWidth = s.FactorWidth + countBits;
            }
            if (s.CoefficientWidth > 0)
            {
                // Then by the CoefficientWidth-bit coefficient, by shift-add: a runtime ROM value,
                // or a constant when the layer is fully parallel.
                double adders = pg * AdderTreeBits(s.CoefficientWidth, valueWidth, valueWidth + s.CoefficientWidth);
                terms.Add(Term("coefficient products",
                    adders: wired ? adders * Costs.WiredProductFraction : adders,
                    gates: wired ? 0 : pg * s.CoefficientWidth * valueWidth));
                valueWidth += s.CoefficientWidth;
            }
        }
        valueWidth = Math.Min(valueWidth, acc);
        // The G group values summed and added into the AccumulatorWidth-bit accumulator of each PE.
        terms.Add(Term("group sums and accumulators",
            adders: f.Pe * (AdderTreeBits(groups, valueWidth, acc) + (double)acc), ffs: (long)f.Pe * acc));
        // Weight sign ROM, Inputs x Outputs bits; coefficient ROM, Outputs x chunks x CoefficientWidth
        // bits (block RAM); both wired into a fully parallel layer.
        terms.Add(Term("weight ROM", bram: wired ? 0 : (long)s.Inputs * s.Outputs));
        if (s.CoefficientWidth > 0 && s.ShiftWidth == 0)
            terms.Add(Term("coefficient ROM", bram: wired ? 0 : s.Outputs * chunks * s.CoefficientWidth));
        // Ping-pong input registers: 2 x Inputs activation bits and 2 x chunks factors. Each SIMD
        // lane selects its bit among the 2 x Inputs/SIMD it can take; the factors of the chunks a
        // beat touches are selected likewise.
        int factorsPerBeat = f.Simd >= s.Chunk ? groups : 1;
        double factorMuxes = Math.Max(0, 2 * chunks - factorsPerBeat) * (double)s.FactorWidth;
        terms.Add(Term("input buffer",
            muxes: 2.0 * s.Inputs - f.Simd + factorMuxes,
            ffs: 2L * s.Inputs + 2 * chunks * s.FactorWidth));
        return terms;
    }

    /// <summary>What every layer has after its MVU: elementwise output ops, chunk sums for the next layer, the stream FIFO, control.</summary>
    private IEnumerable<ResourceTerm> OutputTerms(LayerShape s, Folding f)
    {
        int acc = s.AccumulatorWidth;
        // PE lanes of shift (wires), relu (a select) and threshold compare (a subtractor), AccumulatorWidth bits.
        yield return Term("output stage", adders: (double)f.Pe * acc, muxes: (double)f.Pe * acc, ffs: (long)f.Pe * s.OutputWidth);
        // The next layer's chunk factors: each output lane is added into its chunk's running sum;
        // max(1, PE/NextChunk) sums are open at a time.
        if (s.NextChunk > 0)
            yield return Term("next-layer chunk sums", adders: (double)f.Pe * acc, ffs: (long)Math.Max(1, f.Pe / s.NextChunk) * acc);
        // Register FIFO of FifoDepth beats, PE x OutputWidth bits each, read through a multiplexer.
        long beatBits = (long)f.Pe * s.OutputWidth;
        yield return Term("stream FIFO", muxes: (double)(Costs.FifoDepth - 1) * beatBits, ffs: Costs.FifoDepth * beatBits);
        // Fold counters (output group and input beat) with their incrementers, plus handshake and bank select.
        int counterBits = BitsFor(s.Outputs / f.Pe) + BitsFor(s.Inputs / f.Simd);
        yield return Term("control", adders: counterBits, fixedLuts: Costs.ControlLutsPerLayer, ffs: counterBits + Costs.ControlFfsPerLayer);
    }

    /// <summary>Input stage: byte counter, input register and handshake; its ping-pong buffer is the first layer's input buffer.</summary>
    public StageResources InputStage(int inputBytes)
    {
        int counterBits = BitsFor(inputBytes);
        return StageResources.Of("input stage",
            [Term("byte counter and handshake", adders: counterBits, fixedLuts: Costs.ControlLutsPerLayer, ffs: counterBits + 8 + Costs.ControlFfsPerLayer)],
            Costs);
    }

    /// <summary>Argmax over the last layer's outputs, PE values per beat: a compare and a select per lane, the best value and its index.</summary>
    public StageResources Argmax(LayerShape last, int pe)
    {
        int indexBits = BitsFor(last.Outputs - 1);
        int width = last.OutputWidth;
        return StageResources.Of("argmax",
            [Term("compare and select", adders: (double)pe * width, muxes: (double)pe * (width + indexBits), ffs: width + indexBits)],
            Costs);
    }

    /// <summary>A layer whose one beat covers every weight (PE = Outputs, SIMD = Inputs) has its weights wired in, not in a ROM.</summary>
    public static bool IsWired(LayerShape s, Folding f) => f.Pe == s.Outputs && f.Simd == s.Inputs;

    /// <summary>ceil(Inputs / Chunk): the number of chunks of a binary layer's input, the last one possibly shorter.</summary>
    public static long ChunkCount(LayerShape s) => s.Kind == LayerKind.Binary ? (s.Inputs + (long)s.Chunk - 1) / s.Chunk : 0;

    /// <summary>
    /// Adder bits of a balanced tree summing <paramref name="operands"/> values of
    /// <paramref name="width"/> bits: each level's sums are one bit wider, at most <paramref name="maxWidth"/>.
    /// </summary>
    public static double AdderTreeBits(long operands, int width, int maxWidth)
    {
        double bits = 0;
        long n = operands;
        int w = Math.Min(width, maxWidth);
        while (n > 1)
        {
            long pairs = n / 2;
            int sum = Math.Min(w + 1, maxWidth);
            bits += (double)pairs * sum;
            n = pairs + n % 2;
            w = sum;
        }
        return bits;
    }

    /// <summary>A popcount of <paramref name="inputs"/> bits as an adder tree of 1-bit operands.</summary>
    public static double PopcountBits(long inputs) => AdderTreeBits(inputs, 1, BitsFor(inputs));

    /// <summary>Bits to hold the values 0..<paramref name="max"/> (at least 1).</summary>
    public static int BitsFor(long max) => max <= 1 ? 1 : 64 - (int)long.LeadingZeroCount(max);

    public static int CeilLog2(long n) => n <= 1 ? 0 : 64 - (int)long.LeadingZeroCount(n - 1);

    private static ResourceTerm Term(string part, double adders = 0, double gates = 0, double muxes = 0, double fixedLuts = 0, long ffs = 0, long bram = 0) =>
        new(part, adders, gates, muxes, fixedLuts, ffs, bram);
}
