using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The input side of a binary matrix-vector unit. The fill side takes Lanes incoming elements a
/// beat, in index order, turns them into activation bits (and chunk factors: sums, popcounts or
/// their product) and shifts them into the fill bank. The compute side reads the low SIMD bits
/// (and the current chunk's factors) of the read bank and rotates it after each beat, so after a
/// whole pass over the inputs the bank is back in order for the next neuron fold. No addressing
/// logic: a bank is a shift register in both directions.
/// </summary>
public sealed class BinaryInputBuffer
{
    private readonly RtlSignal[] _bits = new RtlSignal[2];
    private readonly RtlSignal?[] _factors = new RtlSignal?[2];

    public BinaryInputBuffer(ModuleBuilder m, MvuStage stage, int lanes, GraphType elementType, int simd)
    {
        var prep = stage.Prep ?? throw new InvalidOperationException($"{stage.Name} has no input preparation");
        Inputs = stage.Inputs;
        Chunk = prep.Chunk;
        Simd = simd;
        Lanes = lanes;
        FactorWidth = prep.Factor == FactorKind.None ? 0 : prep.FactorWidth;
        ChunkCount = (Inputs + Chunk - 1) / Chunk;
        Banks = new PingPong(m, "in");

        var inValid = m.Input("in_valid", 1);
        int elementWidth = prep.ElementsAreBits ? 1 : elementType.Width;
        var inData = m.Input("in_data", lanes * elementWidth);
        m.Assign(m.Output("in_ready", 1), m.Not(Banks.FillBankFull));
        Accept = m.And(inValid, m.Not(Banks.FillBankFull));
        var (_, fillLast) = m.Counter("fill_beat", Inputs / lanes, Accept);

        bool signed = elementType.Kind == ValueKind.Int && elementType.Min < 0;
        var elements = Enumerable.Range(0, lanes).Select(l => m.Slice(inData, l * elementWidth, elementWidth)).ToList();
        var bits = prep.ElementsAreBits
            ? elements
            : elements.Select(e => m.AtLeast(e, signed, m.Const(Arithmetic.Word(prep.BitThreshold, 2), 2), true)).ToList();
        var beatBits = m.Concat([.. bits.AsEnumerable().Reverse()]);

        var newFactors = FactorWidth == 0 ? null : Factors(m, prep, elements, bits, signed, fillLast, out FactorShift);
        for (int bank = 0; bank < 2; bank++)
        {
            _bits[bank] = m.Register($"bits{bank}", Inputs, useReset: false);
            if (FactorWidth > 0) _factors[bank] = m.Register($"factors{bank}", ChunkCount * FactorWidth, useReset: false);
        }
        Filled = m.And(Accept, fillLast);
        FillBits = beatBits;
        NewFactors = newFactors;
    }

    public int Inputs { get; }
    public int Chunk { get; }
    public int Simd { get; }
    public int Lanes { get; }
    public int FactorWidth { get; }
    public int ChunkCount { get; }
    public PingPong Banks { get; }

    /// <summary>A beat was taken from the input stream.</summary>
    public RtlSignal Accept { get; }

    /// <summary>The beat that completes a frame was taken.</summary>
    public RtlSignal Filled { get; }

    private RtlSignal FillBits { get; }
    private RtlSignal? NewFactors { get; }
    private readonly RtlSignal? FactorShift;

    /// <summary>Groups of chunks whose factors the compute side needs in one beat: SIMD / Chunk when SIMD spans chunks.</summary>
    public int ComputeGroups => Math.Max(1, Simd / Chunk);

    /// <summary>
    /// Connects the banks: the fill side shifts in on Accept; the compute side rotates on
    /// <paramref name="issue"/> (bits by SIMD; factors by the groups, or by one on
    /// <paramref name="chunkEnd"/> when chunks span beats). Returns the read bank's current slices.
    /// </summary>
    public (RtlSignal Bits, RtlSignal? Factors) Connect(ModuleBuilder m, RtlSignal issue, RtlSignal chunkEnd)
    {
        for (int bank = 0; bank < 2; bank++)
        {
            var filling = m.And(Accept, PingPong.Is(m, Banks.Fill, bank));
            var reading = m.And(issue, PingPong.Is(m, Banks.Read, bank));
            var bits = _bits[bank];
            var shifted = Inputs == Lanes ? FillBits : m.Concat(FillBits, m.Slice(bits, Lanes, Inputs - Lanes));
            var rotated = Inputs == Simd ? bits : m.Concat(m.Slice(bits, 0, Simd), m.Slice(bits, Simd, Inputs - Simd));
            m.Next(bits, m.Mux(filling, shifted, rotated), m.Or(filling, reading));

            if (_factors[bank] is not { } factors) continue;
            int step = ComputeGroups * FactorWidth;
            int width = factors.Width;
            int fillStep = NewFactors!.Width;
            var factorFill = m.And(filling, FactorShift!);
            var factorShifted = width == fillStep ? NewFactors : m.Concat(NewFactors, m.Slice(factors, fillStep, width - fillStep));
            var factorRotated = width == step ? factors : m.Concat(m.Slice(factors, 0, step), m.Slice(factors, step, width - step));
            var rotate = Simd >= Chunk ? reading : m.And(reading, chunkEnd);
            m.Next(factors, m.Mux(factorFill, factorShifted, factorRotated), m.Or(factorFill, rotate));
        }
        var readBits = m.Mux(Banks.Read, _bits[1], _bits[0]);
        RtlSignal? readFactors = null;
        if (FactorWidth > 0)
            readFactors = m.Slice(m.Mux(Banks.Read, _factors[1]!, _factors[0]!), 0, ComputeGroups * FactorWidth);
        return (m.Slice(readBits, 0, Simd), readFactors);
    }

    /// <summary>The factors completed by this beat (several when a beat spans chunks), and when to shift them in.</summary>
    private RtlSignal Factors(ModuleBuilder m, InputPrep prep, List<RtlSignal> elements, List<RtlSignal> bits, bool signed, RtlSignal fillLast, out RtlSignal? shift)
    {
        int sumWidth = prep.Factor == FactorKind.Popcount ? 1 : (signed ? elements[0].Width + 1 : elements[0].Width) + Arithmetic.Log2Ceiling(Chunk + 1);
        int popWidth = Arithmetic.Log2Ceiling(Chunk + 1);
        RtlSignal Magnitude(RtlSignal e) => m.Fit(signed ? m.Magnitude(e) : e, false, sumWidth);

        RtlSignal FactorOf(RtlSignal sum, RtlSignal ones) => prep.Factor switch
        {
            FactorKind.Sum => m.Fit(sum, false, FactorWidth),
            FactorKind.Popcount => m.Fit(ones, false, FactorWidth),
            _ => m.ShiftAddProduct(sum, false, ones, false, FactorWidth, "factor", pipelined: false).Product,
        };

        if (Lanes >= Chunk)
        {
            // whole chunks in every beat
            var factors = new List<RtlSignal>();
            for (int g = 0; g < Lanes / Chunk; g++)
            {
                var groupElements = elements.Skip(g * Chunk).Take(Chunk).ToList();
                var sum = m.SumTree(groupElements.Select(Magnitude).ToList(), "sum", pipelined: false).Sum;
                var ones = m.Popcount(m.Concat([.. bits.Skip(g * Chunk).Take(Chunk).Reverse()]));
                factors.Add(FactorOf(sum, m.Fit(ones, false, popWidth)));
            }
            shift = m.Const(1, 1);
            return m.Concat([.. factors.AsEnumerable().Reverse()]);
        }

        // a chunk spans Chunk / Lanes beats (the last chunk may be shorter): accumulate
        var (_, chunkLast) = m.Counter("fill_chunk_beat", Chunk / Lanes, Accept, fillLast);
        var chunkEnd = m.Or(chunkLast, fillLast);
        var beatSum = m.SumTree(elements.Select(Magnitude).ToList(), "sum", pipelined: false).Sum;
        var beatOnes = m.Fit(m.Popcount(m.Concat([.. bits.AsEnumerable().Reverse()])), false, popWidth);
        var sumAcc = m.Register("chunk_sum", sumWidth);
        var onesAcc = m.Register("chunk_ones", popWidth);
        var total = m.Add(sumAcc, beatSum);
        var totalOnes = m.Add(onesAcc, beatOnes);
        m.Next(sumAcc, m.Mux(chunkEnd, m.Const(0, sumWidth), total), Accept);
        m.Next(onesAcc, m.Mux(chunkEnd, m.Const(0, popWidth), totalOnes), Accept);
        shift = chunkEnd;
        return FactorOf(total, totalOnes);
    }
}
