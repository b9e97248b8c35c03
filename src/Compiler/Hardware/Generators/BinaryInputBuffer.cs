using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The input side of a binary matrix-vector unit. The fill side takes Lanes incoming elements a
/// beat, in index order, turns them into activation bits (and chunk factors: sums, popcounts or
/// their product) and shifts them into the fill bank. The compute side reads the low SIMD bits
/// (and the current chunk's factors) of the read bank and rotates it after each beat, so after a
/// whole pass over the inputs the bank is back in order for the next neuron fold. No addressing
/// logic: a bank is a shift register in both directions. Wide +-1 inputs at PE 1 (and HBNN inputs
/// from 64 on) keep their bits in block RAM instead (<see cref="BinaryInputRam"/>); chunk factors
/// stay in the shift registers.
/// </summary>
public sealed class BinaryInputBuffer
{
    private readonly RtlSignal[] _bits = new RtlSignal[2];
    private readonly RtlSignal?[] _factors = new RtlSignal?[2];

    /// <param name="producerBeatsPerResult">
    /// How many cycles the previous layer spends per output beat at least (its Inputs/SIMD). With
    /// 2 or more, the fill side has slack for one more cycle per frame, and the chunk factors are
    /// computed a cycle later (a shorter path); with 1 they are computed at once, keeping the II.
    /// </param>
    /// <param name="fillElements">
    /// Elements the producer sends per frame: its outputs padded to its PE (the elements past the
    /// stage's real inputs are never read), or the input bytes.
    /// </param>
    /// <param name="ramMinInputs">Inputs from which +-1 banks without chunk factors go to block RAM (<see cref="BinaryInputRam"/>, at PE <paramref name="pe"/>).</param>
    /// <param name="ramMinFactorInputs">The same for banks with chunk factors: their bits go to block RAM, the factors stay in registers.</param>
    public BinaryInputBuffer(ModuleBuilder m, MvuStage stage, int lanes, int fillElements, GraphType elementType, int simd, int producerBeatsPerResult, int ramMinInputs = int.MaxValue, int pe = 1, int ramMinFactorInputs = int.MaxValue)
    {
        var prep = stage.Prep ?? throw new InvalidOperationException($"{stage.Name} has no input preparation");
        Inputs = stage.Inputs;
        FillElements = fillElements;
        // the fill side shifts within the low FillElements bits, the compute side rotates the low Inputs (padded to SIMD)
        BankWidth = Math.Max(fillElements, Inputs);
        Planes = prep.Planes;
        Chunk = prep.Chunk;
        Simd = simd;
        Lanes = lanes;
        FactorWidth = prep.Factor == FactorKind.None ? 0 : prep.FactorWidth;
        ChunkCount = (Inputs + Chunk - 1) / Chunk;
        Banks = new PingPong(m, "in");
        _codes = prep.Factor == FactorKind.Pow2Code ? new Pow2Codes(stage.Factor!) : null;

        var inValid = m.Input("in_valid", 1);
        int elementWidth = prep.ElementsAreBits ? 1 : elementType.Width;
        var inData = m.Input("in_data", lanes * elementWidth);
        m.Assign(m.Output("in_ready", 1), m.Not(Banks.FillBankFull));
        Accept = m.And(inValid, m.Not(Banks.FillBankFull));
        var (_, fillLast) = m.Counter("fill_beat", FillElements / lanes, Accept);

        bool signed = elementType.Kind == ValueKind.Int && elementType.Min < 0;
        var elements = Enumerable.Range(0, lanes).Select(l => m.Slice(inData, l * elementWidth, elementWidth)).ToList();
        var bits = prep.ElementsAreBits ? elements
            : prep.InputLevels is { } levels ? elements.Select(e => Level(m, e, signed, levels, prep.LevelBase)).ToList()
            : prep.StoresElements ? elements.Select(e => m.Fit(e, signed, Planes)).ToList()
            : elements.Select(e => AtLeast(m, e, signed, prep.BitThreshold)).ToList();
        var beatBits = m.Concat([.. bits.AsEnumerable().Reverse()]);

        if (BinaryInputRam.Builds(Inputs, pe, simd, FactorWidth, Planes, lanes, FillElements, ramMinInputs, ramMinFactorInputs))
            _ram = new BinaryInputRam(m, Banks, beatBits, Accept, lanes, simd, FillElements, Inputs, Planes);
        for (int bank = 0; bank < 2; bank++)
        {
            if (_ram is null) _bits[bank] = m.Register($"bits{bank}", BankWidth * Planes, useReset: false);
            if (FactorWidth > 0) _factors[bank] = m.Register($"factors{bank}", ChunkCount * FactorWidth, useReset: false);
        }
        Advance = m.And(Accept, fillLast);
        FillBits = beatBits;
        if (FactorWidth == 0)
        {
            FillDelay = 0;
            return;
        }
        if (producerBeatsPerResult < 2)
        {
            var now = RawFactors(m, prep, elements, bits, signed, fillLast, out var shiftNow);
            NewFactors = m.Concat([.. now.Select(r => FactorOf(m, prep.Factor, r.Sum, r.Ones, r.IsLast)).Reverse()]);
            FactorShift = m.And(Accept, shiftNow);
            _pendingBank = Banks.Fill;
            FullSet0 = m.And(Advance, m.Not(Banks.Fill));
            FullSet1 = m.And(Advance, Banks.Fill);
            FillDelay = 0;
            return;
        }
        // The chunk sums and popcounts are registered and turned into factors the next cycle
        // (the factor product is the fill side's longest path); that write lands in the bank
        // they belong to, which is marked full then, while the fill side already moves on.
        var raw = RawFactors(m, prep, elements, bits, signed, fillLast, out var shift);
        var pendingValid = m.DelayReset(m.And(Accept, shift), 1, "factor_pending");
        _pendingBank = m.Delay(Banks.Fill, 1, "factor_bank");
        var pendingLast = m.DelayReset(Advance, 1, "factor_last");
        var pending = raw.Select(r => (Sum: m.Delay(r.Sum, 1, "pending_sum"), Ones: m.Delay(r.Ones, 1, "pending_ones"), IsLast: m.Delay(r.IsLast, 1, "pending_last"))).ToList();
        NewFactors = m.Concat([.. pending.Select(r => FactorOf(m, prep.Factor, r.Sum, r.Ones, r.IsLast)).Reverse()]);
        FactorShift = pendingValid;
        FullSet0 = m.And(pendingLast, m.Not(_pendingBank));
        FullSet1 = m.And(pendingLast, _pendingBank);
        FillDelay = 1;
    }

    public int Inputs { get; }
    public int FillElements { get; }
    public int BankWidth { get; }

    /// <summary>Bits per element (1, or a plane-dot's x-planes).</summary>
    public int Planes { get; }
    public int Chunk { get; }
    public int Simd { get; }
    public int Lanes { get; }
    public int FactorWidth { get; }
    public int ChunkCount { get; }
    public PingPong Banks { get; }

    /// <summary>A beat was taken from the input stream.</summary>
    public RtlSignal Accept { get; }

    /// <summary>The beat that completes a frame was taken: the fill side moves to the other bank.</summary>
    public RtlSignal Advance { get; }

    /// <summary>Cycles after the last beat until the bank is complete (its last factors written).</summary>
    public int FillDelay { get; }

    private RtlSignal FillBits { get; }
    private RtlSignal? NewFactors { get; }
    private RtlSignal? FactorShift { get; }
    private RtlSignal? FullSet0 { get; }
    private RtlSignal? FullSet1 { get; }
    private readonly RtlSignal? _pendingBank;
    private readonly Pow2Codes? _codes;

    /// <summary>The banks in block RAM (<see cref="BinaryInputRam"/>), or null for the shift-register banks.</summary>
    private readonly BinaryInputRam? _ram;

    /// <summary>Connects the ping-pong flags; <paramref name="drained"/> frees the read bank.</summary>
    public void ConnectBanks(ModuleBuilder m, RtlSignal drained)
    {
        _ram?.ConnectAddress(m, drained);
        if (FactorWidth == 0) Banks.Connect(m, Advance, drained);
        else Banks.Connect(m, Advance, FullSet0!, FullSet1!, drained);
    }

    /// <summary>Groups of chunks whose factors the compute side needs in one beat: SIMD / Chunk when SIMD spans chunks.</summary>
    public int ComputeGroups => Math.Max(1, Simd / Chunk);

    /// <summary>
    /// Connects the banks: the fill side shifts in on Accept; the compute side rotates on
    /// <paramref name="issue"/> (bits by SIMD; factors by the groups, or by one on
    /// <paramref name="chunkEnd"/> when chunks span beats). Returns the read bank's current slices.
    /// </summary>
    /// <param name="factorDelay">
    /// Cycles after the issue at which the compute side takes a chunk's factor (0: in the issue
    /// cycle). With a delay the factor banks rotate that much later, so the factor is read where
    /// it is used instead of carried down a pipeline of FactorWidth-bit registers; see
    /// <see cref="FactorDelayAllowed"/> for when that is safe.
    /// </param>
    public (RtlSignal Bits, RtlSignal? Factors) Connect(ModuleBuilder m, RtlSignal issue, RtlSignal chunkEnd, int factorDelay = 0)
    {
        if (factorDelay > 0 && !FactorDelayAllowed(factorDelay))
            throw new InvalidOperationException($"a factor read {factorDelay} cycles late could meet the fill side's first write of a released bank (chunk {Chunk}, {Lanes} lanes)");
        var ramBits = _ram?.Read(m, issue);
        for (int bank = 0; bank < 2; bank++)
        {
            var filling = m.And(Accept, PingPong.Is(m, Banks.Fill, bank));
            var reading = m.And(issue, PingPong.Is(m, Banks.Read, bank));
            if (_ram is null) ShiftBits(m, _bits[bank], filling, reading);

            if (_factors[bank] is not { } factors) continue;
            int step = ComputeGroups * FactorWidth;
            int width = factors.Width;
            int fillStep = NewFactors!.Width;
            var factorFill = m.And(FactorShift!, PingPong.Is(m, _pendingBank!, bank));
            var factorShifted = width == fillStep ? NewFactors : m.Concat(NewFactors, m.Slice(factors, fillStep, width - fillStep));
            var factorRotated = width == step ? factors : m.Concat(m.Slice(factors, 0, step), m.Slice(factors, step, width - step));
            var rotate = Simd >= Chunk ? reading : m.And(reading, chunkEnd);
            if (factorDelay > 0) rotate = m.DelayReset(rotate, factorDelay, $"factor_rotate{bank}");
            m.Next(factors, m.Mux(factorFill, factorShifted, factorRotated), m.Or(factorFill, rotate));
        }
        RtlSignal? readFactors = null;
        if (FactorWidth > 0)
        {
            var readBank = factorDelay > 0 ? m.Delay(Banks.Read, factorDelay, "factor_read_bank") : Banks.Read;
            readFactors = m.Slice(m.Mux(readBank, _factors[1]!, _factors[0]!), 0, ComputeGroups * FactorWidth);
        }
        return (ramBits ?? m.Slice(m.Mux(Banks.Read, _bits[1], _bits[0]), 0, Simd * Planes), readFactors);
    }

    /// <summary>
    /// Whether the factor banks may rotate <paramref name="delay"/> cycles after the issue: the last
    /// late rotations of a released bank land at most delay cycles after its release, while the
    /// fill side writes its first factor there only after the first chunk, min(Chunk, Inputs) / Lanes
    /// beats (and the cycle the factor takes), so the two never meet when that is longer than the
    /// delay. (A layer narrower than its chunk has one short chunk: 2 inputs in chunks of 7 fill in 2 beats.)
    /// </summary>
    public bool FactorDelayAllowed(int delay)
    {
        int firstChunk = Math.Min(Chunk, Inputs);
        return FactorWidth > 0 && Lanes < firstChunk && firstChunk / Lanes >= delay + 2;
    }

    /// <summary>A shift-register bank: the fill side shifts Lanes elements in, the compute side rotates SIMD out and back in.</summary>
    private void ShiftBits(ModuleBuilder m, RtlSignal bits, RtlSignal filling, RtlSignal reading)
    {
        int e = Planes;
        var shifted = FillElements == Lanes ? FillBits : m.Concat(FillBits, m.Slice(bits, Lanes * e, (FillElements - Lanes) * e));
        if (BankWidth > FillElements) shifted = m.Concat(m.Slice(bits, FillElements * e, (BankWidth - FillElements) * e), shifted);
        var rotated = Inputs == Simd ? m.Slice(bits, 0, Inputs * e) : m.Concat(m.Slice(bits, 0, Simd * e), m.Slice(bits, Simd * e, (Inputs - Simd) * e));
        if (BankWidth > Inputs) rotated = m.Concat(m.Slice(bits, Inputs * e, (BankWidth - Inputs) * e), rotated);
        m.Next(bits, m.Mux(filling, shifted, rotated), m.Or(filling, reading));
    }

    /// <summary>
    /// The chunk sums and popcounts completed by this beat (several when a beat spans chunks),
    /// and when they are complete (every beat, or at a chunk's last beat).
    /// </summary>
    private List<(RtlSignal Sum, RtlSignal Ones, RtlSignal IsLast)> RawFactors(ModuleBuilder m, InputPrep prep, List<RtlSignal> elements, List<RtlSignal> bits, bool signed, RtlSignal fillLast, out RtlSignal shift)
    {
        bool needsSum = prep.Factor is FactorKind.Sum or FactorKind.SumTimesPopcount || _codes is { ReadsSums: true };
        int sumWidth = !needsSum ? 1 : (signed ? elements[0].Width + 1 : elements[0].Width) + BitWidth.ToHold(Chunk);
        int popWidth = BitWidth.ToHold(Chunk);
        RtlSignal Magnitude(RtlSignal e) => m.Fit(signed ? m.Magnitude(e) : e, false, sumWidth);

        if (Lanes >= Chunk)
        {
            // whole chunks in every beat (then every chunk is as long: no last-chunk row)
            var groups = new List<(RtlSignal, RtlSignal, RtlSignal)>();
            for (int g = 0; g < Lanes / Chunk; g++)
            {
                var sum = m.SumTree(elements.Skip(g * Chunk).Take(Chunk).Select(Magnitude).ToList(), "sum", pipelined: false).Sum;
                var ones = m.Fit(m.Popcount(m.Concat([.. bits.Skip(g * Chunk).Take(Chunk).Reverse()])), false, popWidth);
                groups.Add((sum, ones, m.Const(0, 1)));
            }
            shift = m.Const(1, 1);
            return groups;
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
        return [(total, totalOnes, fillLast)];
    }

    /// <summary>An input byte's level: <paramref name="levelBase"/> plus the thresholds it reaches, in the element's planes.</summary>
    private RtlSignal Level(ModuleBuilder m, RtlSignal e, bool signed, IReadOnlyList<long> levels, long levelBase)
    {
        var reached = levels.Select(t => AtLeast(m, e, signed, t)).ToList();
        var count = m.Fit(m.Popcount(m.Concat([.. reached.AsEnumerable().Reverse()])), false, Planes + 1);
        return m.Slice(m.Add(count, m.Const(Arithmetic.Word(levelBase, Planes + 1), Planes + 1)), 0, Planes);
    }

    /// <summary>The bit element &gt;= <paramref name="threshold"/>: how a binary layer's input byte becomes its activation bit.</summary>
    internal static RtlSignal AtLeast(ModuleBuilder m, RtlSignal element, bool signed, long threshold) =>
        m.AtLeast(element, signed, m.Const(Arithmetic.Word(threshold, ThresholdWidth(threshold)), ThresholdWidth(threshold)), true);

    private static int ThresholdWidth(long threshold) => Math.Max(2, BitWidth.ToHoldSigned(threshold, threshold));

    private RtlSignal FactorOf(ModuleBuilder m, FactorKind kind, RtlSignal sum, RtlSignal ones, RtlSignal isLast) => kind switch
    {
        FactorKind.Pow2Code => _codes!.Build(m, sum, ones, isLast),
        FactorKind.Sum => m.Fit(sum, false, FactorWidth),
        FactorKind.Popcount => m.Fit(ones, false, FactorWidth),
        _ => m.ShiftAddProduct(sum, false, ones, false, FactorWidth, "factor", pipelined: false).Product,
    };
}
