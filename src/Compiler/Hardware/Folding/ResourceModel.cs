using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// LUT, flip-flop and block-RAM-bit estimates of the folded streaming dataflow, counted from the
/// structure the hardware generator builds (see the "Hardware architecture" section of DESIGN.md
/// and the folding brief). Every formula lives in this file; each term says where it comes from.
/// Structure is counted exactly (adder, full-adder, partial-product, popcount, multiplexer,
/// register and ROM bits); <see cref="ResourceCosts"/> turns it into LUTs and is what calibration adjusts.
/// </summary>
public sealed class ResourceModel(ResourceCosts costs)
{
    public static ResourceModel Default { get; } = new(ResourceCosts.Default);

    public ResourceCosts Costs { get; } = costs;

    /// <summary>Every layer with its folding, then the input stage and the argmax.</summary>
    public DesignResources Design(IReadOnlyList<LayerShape> shapes, int inputBytes, FoldingPlan plan)
    {
        var layers = shapes.Select((s, i) => Layer(s, plan.For(s.Name), i == 0 ? null : LanesIn(s, plan.For(shapes[i - 1].Name)))).ToList();
        var last = shapes[^1];
        return new DesignResources(layers, [InputStage(inputBytes), Argmax(last, plan.For(last.Name).Pe)]);
    }

    /// <summary>Elements a layer's input stream carries a beat: a window's word (a pixel's channels), else the producer's PE.</summary>
    private static int LanesIn(LayerShape s, LayerFolding producer) => s.WindowBeats > 0 ? Math.Max(1, s.Inputs / s.WindowBeats) : producer.Pe;

    /// <param name="lanesIn">Elements a beat of the layer's input stream carries, when known (the whole design's estimate); unknown, the folding optimizer's per-layer estimate assumes a power-of-two SIMD takes whole beats.</param>
    public StageResources Layer(LayerShape shape, LayerFolding folding, int? lanesIn = null)
    {
        if (FoldingRules.Check(shape, folding) is { } violation) throw new ArgumentException(violation);
        var terms = shape.Kind switch
        {
            LayerKind.Dense => DenseTerms(shape, folding),
            LayerKind.Transform => TransformResources.Terms(shape, folding),
            _ => BinaryTerms(shape, folding, lanesIn),
        };
        terms.AddRange(OutputTerms(shape, folding));
        terms.AddRange(ConvolutionResources.Terms(shape, folding, Costs));
        return StageResources.Of(shape.Name, [.. terms.Select(t => t with { Component = ResourceComponents.Of(shape, t.Part) })], Costs);
    }

    /// <summary>The first layer: uint8 inputs times signed WeightWidth-bit weights, shift-add per lane.</summary>
    private List<ResourceTerm> DenseTerms(LayerShape s, LayerFolding f)
    {
        long lanes = (long)f.Pe * f.Simd;
        bool wired = IsWired(s, f);
        int x = s.InputWidth, w = s.WeightWidth, acc = s.AccumulatorWidth;
        var terms = new List<ResourceTerm>();
        if (w == 2)
        {
            // Weights are +-1: each lane is x or its complement 255 - x (a 2:1 multiplexer a bit;
            // wired weights pick one at build time), summed unsigned by a tree of carry adders one
            // bit wider a level and registered after each level (DenseMvu, GrowingSumTree)
            terms.Add(new("lane products (x or 255 - x)") { MuxBits = wired ? 0 : lanes * x });
            var (adderBits, registerBits) = GrowingTreeBits(f.Simd, x);
            terms.Add(new("lane sums (growing adder tree)") { CarryAdderBits = (double)f.Pe * adderBits, Ffs = f.Pe * registerBits });
        }
        else
        {
            // Shift-add over the InputWidth input bits: InputWidth partial products of WeightWidth
            // bits (a weight gated by an input bit), summed with the lane sum in one carry-save tree.
            int productWidth = w + x;
            double bits = (double)lanes * x * w;
            terms.Add(new("lane products (shift-add)") { PartialProductBits = wired ? bits * Costs.WiredProductFraction : bits });
            // The SIMD products of a PE summed, growing to at most AccumulatorWidth bits.
            terms.Add(Sum("lane sums", f.Pe, f.Simd, Math.Min(productWidth + BitWidth.CeilLog2(f.Simd), acc)));
        }
        // One beat per neuron leaves nothing to accumulate (the generator builds no accumulator).
        if (s.Inputs / f.Simd > 1)
            terms.Add(new("accumulators") { CarryAdderBits = (double)f.Pe * acc, Ffs = (long)f.Pe * acc });
        // Weight ROM: one PE x SIMD x WeightWidth word per cycle, Cycles words deep (block RAM);
        // a fully parallel layer has its weights wired into the products instead.
        terms.Add(new("weight ROM") { BramBits = wired ? 0 : (long)s.Inputs * s.Outputs * w });
        // Ping-pong input buffer, 2 x Inputs bytes, read SIMD bytes per cycle (block RAM); when
        // SIMD = Inputs it is read whole, so it is registers behind a bank-select multiplexer.
        long bufferBits = 2L * s.Inputs * x;
        terms.Add(s.Inputs / f.Simd > 1
            ? new("input buffer") { BramBits = bufferBits }
            : new("input buffer") { MuxBits = bufferBits / 2, Ffs = bufferBits });
        return terms;
    }

    /// <summary>A bin-dot layer: AND/XNOR popcounts per chunk group, chunk factor and coefficient (or shift), accumulation.</summary>
    private List<ResourceTerm> BinaryTerms(LayerShape s, LayerFolding f, int? lanesIn)
    {
        bool wired = IsWired(s, f);
        int groups = Math.Max(1, f.Simd / s.Chunk);            // G chunk groups per PE
        int countBits = ChunkCountBits(s);
        int acc = s.AccumulatorWidth;
        long chunks = ChunkCount(s);
        double pg = (double)f.Pe * groups;
        var terms = new List<ResourceTerm>
        {
            // One AND/XNOR of an activation bit with a weight bit per lane; with wired weights an
            // XNOR/AND with a constant is a wire, an inverter or zero.
            new("weight gates") { WeightGates = wired ? 0 : (double)f.Pe * f.Simd },
            // Each group counts min(SIMD, Chunk) bits per beat; over all groups, PE x SIMD inputs.
            // (a plane-dot: one per activation plane and weight plane, InputWidth x WeightWidth per lane; 1 x 1 for bits)
            new("popcounts") { PopcountInputs = (double)f.Pe * f.Simd * s.InputWidth * s.WeightWidth },
            // The chunk's count accumulated over the beats that carry the chunk.
            new("chunk counters") { CarryAdderBits = pg * countBits, Ffs = (long)(pg * countBits) },
        };
        int valueWidth = countBits;
        if (s.ShiftWidth > 0)
        {
            // pow2 scales: a barrel shifter (ShiftWidth stages of 2:1 multiplexers) instead of both products.
            terms.Add(new("chunk shifters") { MuxBits = pg * s.ShiftWidth * acc });
            valueWidth = acc;
        }
        else
        {
            if (s.FactorWidth > 0)
            {
                // F x P by shift-add over the count's bits: countBits partial products FactorWidth bits
                // wide, then a carry adder. The factor comes from the previous layer: never wired.
                terms.Add(new("factor products")
                {
                    PartialProductBits = pg * countBits * s.FactorWidth,
                    CarryAdderBits = pg * (s.FactorWidth + countBits),
                });
                valueWidth = s.FactorWidth + countBits;
            }
            if (s.CoefficientWidth > 0)
            {
                // Then by the CoefficientWidth-bit coefficient, by shift-add: a value from the
                // coefficient ROM, or a constant when the layer is fully parallel.
                double bits = pg * s.CoefficientWidth * valueWidth;
                terms.Add(new("coefficient products")
                {
                    PartialProductBits = wired ? bits * Costs.WiredProductFraction : bits,
                    CarryAdderBits = pg * (valueWidth + s.CoefficientWidth),
                });
                valueWidth += s.CoefficientWidth;
            }
        }
        // The G group values and the running total summed into the AccumulatorWidth-bit accumulator
        // of each PE; a neuron whose terms all arrive in one beat needs no accumulator.
        bool oneTermBeat = f.Simd >= s.Chunk ? FoldingTiming.Folds(s.Inputs, f.Simd) == 1 : chunks == 1;
        var accumulate = Sum("group sums and accumulators", f.Pe, oneTermBeat ? groups : groups + 1, acc);
        terms.Add(accumulate with { Ffs = oneTermBeat ? 0 : (long)f.Pe * acc });
        // Weight sign ROM, Inputs x Outputs bits; coefficient ROM, Outputs x chunks x CoefficientWidth
        // bits (block RAM); both wired into a fully parallel layer.
        terms.Add(new("weight ROM") { BramBits = wired ? 0 : (long)s.Inputs * s.Outputs * s.WeightWidth });
        if (s.CoefficientWidth > 0 && s.ShiftWidth == 0)
            terms.Add(new("coefficient ROM") { BramBits = wired ? 0 : s.Outputs * chunks * s.CoefficientWidth });
        // Ping-pong input registers: 2 x Inputs activations of InputWidth bits (a bit-plane layer
        // keeps every plane: TFC_1W2A's 784 2-bit inputs are 3,136 flip-flops) and 2 x chunks
        // factors. Each SIMD lane selects its activation among the 2 x Inputs/SIMD it can take; the
        // factors of the chunks a beat touches are selected likewise.
        bool inRam = lanesIn is { } lanes
            ? Generators.BinaryInputRam.Builds(s.Inputs, f.Pe, f.Simd, s.FactorWidth, s.InputWidth, lanes, s.Inputs, Generators.BinaryInputRam.MinInputs)
            // unknown lanes (the optimizer's per-layer cost): an HBNN layer is priced with its register
            // banks, an upper bound, because whether its bits go to block RAM depends on its producer's
            // PE (whole words from whole beats); so a LUT budget the optimizer keeps holds for the
            // whole design's estimate, which knows the PE
            : s.FactorWidth == 0 && Generators.BinaryInputRam.Applies(s.Inputs, f.Pe, f.Simd, s.FactorWidth, s.InputWidth) && BitOperations.IsPow2(f.Simd);
        if (inRam)
        {
            // Banks in block RAM: the gathering register of a word (at most SIMD x planes bits), the fill
            // and read pointers with their bank offsets.
            // HBNN factors stay in their shift registers, as below.
            int addressBits = BitWidth.ToIndex(2L * s.Inputs / f.Simd);
            terms.Add(new("input buffer")
            {
                BramBits = 2L * s.Inputs * s.InputWidth,
                CarryAdderBits = 4.0 * addressBits,
                MuxBits = (2.0 * addressBits) + FactorMuxBits(s, f),
                Ffs = (f.Simd * s.InputWidth) + (3L * addressBits) + (2 * chunks * s.FactorWidth),
            });
            return terms;
        }
        double factorMuxes = FactorMuxBits(s, f);
        terms.Add(new("input buffer")
        {
            MuxBits = (((2.0 * s.Inputs) - f.Simd) * s.InputWidth) + factorMuxes,
            Ffs = (2L * s.Inputs * s.InputWidth) + (2 * chunks * s.FactorWidth),
        });
        return terms;
    }

    /// <summary>The factor banks' rotate multiplexers: every factor bit but those a beat reads.</summary>
    private static double FactorMuxBits(LayerShape s, LayerFolding f)
    {
        int factorsPerBeat = f.Simd >= s.Chunk ? Math.Max(1, f.Simd / s.Chunk) : 1;
        return Math.Max(0, (2 * ChunkCount(s)) - factorsPerBeat) * (double)s.FactorWidth;
    }

    /// <summary>What every layer has after its MVU: elementwise output ops, chunk sums for the next layer, the stream FIFO, control.</summary>
    private IEnumerable<ResourceTerm> OutputTerms(LayerShape s, LayerFolding f)
    {
        int acc = s.AccumulatorWidth;
        // PE lanes of shift (wires), relu (a select) and threshold compare, AccumulatorWidth bits.
        yield return new("output stage") { ComparatorBits = (double)f.Pe * acc, MuxBits = (double)f.Pe * acc, Ffs = (long)f.Pe * s.OutputWidth };
        // The next layer's chunk factors: each output lane is added into its chunk's running sum;
        // max(1, PE/NextChunk) sums are open at a time.
        if (s.NextChunk > 0)
            yield return new("next-layer chunk sums") { CarryAdderBits = (double)f.Pe * acc, Ffs = (long)Math.Max(1, f.Pe / s.NextChunk) * acc };
        // The next layer's pow2 exponent codes, one per open chunk sum: constant comparators and a popcount.
        if (s.NextPow2CodeBits > 0)
            yield return new("next-layer pow2 code comparators") { FixedLuts = Math.Max(1, f.Pe / s.NextChunk) * s.NextPow2CodeBits * Costs.LutsPerPow2CodeThresholdBit };
        // Register FIFO of FifoDepth beats, PE x OutputWidth bits each, read through a multiplexer.
        long beatBits = (long)f.Pe * s.OutputWidth;
        yield return new("stream FIFO") { MuxBits = (double)(Costs.FifoDepth - 1) * beatBits, Ffs = Costs.FifoDepth * beatBits };
        // Fold counters (output group and input beat) with their incrementers, plus handshake and bank select.
        int counterBits = FoldCounterBits(s, f);
        yield return new("control") { CarryAdderBits = counterBits, FixedLuts = Costs.ControlLutsPerLayer, Ffs = counterBits + Costs.ControlFfsPerLayer };
    }

    /// <summary>Input stage: byte counter, input register and handshake; its ping-pong buffer is the first layer's input buffer.</summary>
    public StageResources InputStage(int inputBytes)
    {
        int counterBits = BitWidth.ToIndex(inputBytes);
        return StageResources.Of("input stage",
            [new("byte counter and handshake") { Component = ResourceComponents.Control, CarryAdderBits = counterBits, FixedLuts = Costs.ControlLutsPerLayer, Ffs = counterBits + 8 + Costs.ControlFfsPerLayer }],
            Costs);
    }

    /// <summary>
    /// Argmax over the last layer's outputs, PE values per beat: a compare and a select per lane, the
    /// best value and its index (a one-beat frame's tree cut halfway holds several candidates instead).
    /// </summary>
    public StageResources Argmax(LayerShape last, int pe)
    {
        int indexBits = ArgmaxIndexBits(last.Outputs);
        int width = last.OutputWidth;
        int held = Generators.ArgMaxUnit.SplitsTree(last.Outputs, pe) ? Generators.ArgMaxUnit.HalfwayCandidates(last.Outputs) : 1;
        return StageResources.Of("argmax",
            [new("compare and select") { Component = ResourceComponents.Argmax, ComparatorBits = (double)pe * width, MuxBits = (double)pe * (width + indexBits), Ffs = held * (width + indexBits) }],
            Costs);
    }

    /// <summary>
    /// <paramref name="count"/> sums of <paramref name="operands"/> values each, <paramref name="width"/>
    /// bits wide: two operands are one carry adder; more are merged by yosys into a carry-save tree of
    /// (operands - 2) full-adder rows and one carry adder.
    /// </summary>
    public static ResourceTerm Sum(string part, long count, long operands, int width) => operands switch
    {
        <= 1 => new(part),
        2 => new(part) { CarryAdderBits = (double)count * width },
        _ => new(part) { FullAdderBits = (double)count * (operands - 2) * width, CarryAdderBits = (double)count * width },
    };

    /// <summary>
    /// Adder bits and register bits of a tree summing <paramref name="terms"/> unsigned
    /// <paramref name="width"/>-bit values pairwise, one bit wider a level, registered after every
    /// level but the last (as Arithmetic.GrowingSumTree builds it).
    /// </summary>
    public static (long AdderBits, long RegisterBits) GrowingTreeBits(int terms, int width)
    {
        long adders = 0, registers = 0;
        while (terms > 1)
        {
            width++;
            int next = (terms + 1) / 2;
            adders += (long)(terms / 2) * width;
            if (next > 1) registers += (long)next * width;
            terms = next;
        }
        return (adders, registers);
    }

    /// <summary>A layer whose one beat covers every weight (PE = Outputs, SIMD = Inputs) has its weights wired in, not in a ROM.</summary>
    public static bool IsWired(LayerShape s, LayerFolding f) => f.Pe >= s.Outputs && f.Simd >= s.Inputs;

    /// <summary>ceil(Inputs / Chunk): the number of chunks of a binary layer's input, the last one possibly shorter.</summary>
    public static long ChunkCount(LayerShape s) => s.Kind == LayerKind.Binary ? (s.Inputs + (long)s.Chunk - 1) / s.Chunk : 0;

    /// <summary>The fold counters' bits: the output group 0..Outputs/PE-1 and the input beat 0..Inputs/SIMD-1.</summary>
    public static int FoldCounterBits(LayerShape s, LayerFolding f) => BitWidth.ToIndex(FoldingTiming.Folds(s.Outputs, f.Pe)) + BitWidth.ToIndex(FoldingTiming.Folds(s.Inputs, f.Simd));

    /// <summary>A chunk's signed count, -Chunk..Chunk.</summary>
    public static int ChunkCountBits(LayerShape s) => BitWidth.ToHoldSigned(-s.Chunk, s.Chunk);

    /// <summary>The argmax's class index, 0..Outputs-1.</summary>
    public static int ArgmaxIndexBits(int outputs) => BitWidth.ToIndex(outputs);
}
