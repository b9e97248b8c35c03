using System.Numerics;
using System.Runtime.InteropServices;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Where a signal's value lives: <see cref="Words"/> 64-bit words at <see cref="Offset"/> of the
/// state buffer, least significant word first. A value that may differ between lanes holds one
/// copy per lane, word-major: word j of lane l is at Offset + j * Lanes + l, so one word of all
/// lanes is one SIMD vector.
/// </summary>
internal sealed record Place(int Offset, int Words, BigInteger? Constant, int Lanes = 1)
{
    public bool IsConstant => Constant is not null;

    public bool IsVarying => Lanes > 1;

    /// <summary>Position of word <paramref name="index"/> of lane <paramref name="lane"/> (any lane of a shared value).</summary>
    public int At(int index, int lane) => Offset + (IsVarying ? (index * Lanes) + lane : index);

    /// <summary>Word <paramref name="index"/> of a constant.</summary>
    public ulong ConstantWord(int index) => (ulong)((Constant!.Value >> (64 * index)) & ulong.MaxValue);
}

/// <summary>
/// Decides the state buffer: a slot per signal that needs computing, with renames (Buffer, a
/// ZeroExt that adds no word, a Mux with a constant select) sharing their source's slot and
/// cells with only constant inputs folded into constants written once. Values are kept
/// canonical: bits above a signal's width are always zero. Slots follow evaluation order so a
/// cycle walks the buffer mostly forwards. With several lanes, values the
/// <see cref="LaneAnalysis"/> finds varying get a copy per lane, aligned to a whole vector.
/// </summary>
internal sealed class StorageLayout
{
    private readonly Dictionary<RtlSignal, Place> _places = [];
    private readonly Dictionary<RtlMemory, int> _memories = [];
    private readonly List<RtlCell> _computed = [];
    private readonly HashSet<RtlMemory> _varyingMemories = [];
    private readonly Dictionary<ulong, int> _vectorConstants = [];
    private readonly Dictionary<int, RtlCell> _inlined = [];
    private readonly Dictionary<int, LutCell> _luts = [];
    private int _size;

    /// <param name="inlineFields">Resolve lane bit-field chains inside their readers (<see cref="FieldInlining"/>); off when every value must be stored.</param>
    public StorageLayout(Netlist netlist, IReadOnlyList<RtlCell> ordered, int lanes = 1, LaneAnalysis? laneAnalysis = null, bool inlineFields = true)
    {
        Netlist = netlist;
        Lanes = lanes;
        var analysis = lanes > 1 ? laneAnalysis ?? throw new ArgumentNullException(nameof(laneAnalysis)) : null;
        if (analysis is not null) _varyingMemories.UnionWith(netlist.Module.Memories.Where(analysis.IsVarying));
        void AllocateSignal(RtlSignal signal) => _places[signal] = Allocate(signal.Width, null, analysis?.IsVarying(signal) == true ? Lanes : 1);
        foreach (var s in netlist.Signals)
            if (s.Kind == SignalKind.Input || netlist.IsState(s)) AllocateSignal(s);
        foreach (var cell in ordered)
        {
            var inputs = cell.Inputs.Select(Of).ToList();
            var output = cell.Output;
            if (cell.Op == RtlOp.Buffer || (cell.Op == RtlOp.ZeroExt && WordsOf(output.Width) == inputs[0].Words))
                _places[output] = inputs[0];
            else if (cell.Op == RtlOp.Mux && inputs[0].IsConstant)
                _places[output] = inputs[0].Constant!.Value.IsZero ? inputs[2] : inputs[1];
            else if (cell.Op == RtlOp.Const || (inputs.Count > 0 && inputs.All(p => p.IsConstant)))
                _places[output] = Allocate(output.Width, CellSemantics.Evaluate(cell, inputs.Select(p => p.Constant!.Value).ToList()));
            else
            {
                AllocateSignal(output);
                _computed.Add(cell);
            }
        }
        foreach (var s in netlist.Signals)
            if (!_places.ContainsKey(s)) AllocateSignal(s); // undriven and unread: reads as zero
        if (analysis is not null && inlineFields)
        {
            _inlined = FieldInlining.Choose(netlist, _computed, Of, _luts);
            _computed.RemoveAll(c => _inlined.ContainsKey(Of(c.Output).Offset));
        }
        foreach (var m in netlist.Module.Memories)
        {
            int copies = LanesOf(m);
            if (copies > 1) Align();
            _memories[m] = _size;
            _size += checked(m.Depth * WordsOf(m.Width) * copies);
        }
    }

    /// <summary>A layout as <see cref="LayoutBinary"/> saved it (its state after the <see cref="ActivityPlan"/> took its flag words).</summary>
    internal StorageLayout(Netlist netlist, int lanes, Dictionary<RtlSignal, Place> places, Dictionary<RtlMemory, int> memories, IEnumerable<RtlMemory> varyingMemories,
        List<RtlCell> computed, Dictionary<int, RtlCell> inlined, Dictionary<int, LutCell> luts, int size)
    {
        Netlist = netlist;
        Lanes = lanes;
        _places = places;
        _memories = memories;
        _varyingMemories.UnionWith(varyingMemories);
        _computed = computed;
        _inlined = inlined;
        _luts = luts;
        _size = size;
    }

    /// <summary>What <see cref="LayoutBinary"/> saves: everything but the scratch words and vector constants the emitters add later.</summary>
    internal (IReadOnlyDictionary<RtlSignal, Place> Places, IReadOnlyDictionary<RtlMemory, int> Memories, IReadOnlySet<RtlMemory> VaryingMemories,
        IReadOnlyDictionary<int, RtlCell> Inlined, IReadOnlyDictionary<int, LutCell> Luts, bool HasVectorConstants) Saved =>
        (_places, _memories, _varyingMemories, _inlined, _luts, _vectorConstants.Count > 0);

    public Netlist Netlist { get; }

    /// <summary>Lanes simulated at once (1: a plain single simulation).</summary>
    public int Lanes { get; }

    /// <summary>Lane kernels in the portable form rather than AVX-512 (no AVX-512 here, or forced by tests).</summary>
    public bool PortableLanes { get; init; } = !LaneMath.Accelerated;

    /// <summary>Copies of a memory's words: one per lane when writes may differ between lanes.</summary>
    public int LanesOf(RtlMemory memory) => _varyingMemories.Contains(memory) ? Lanes : 1;

    /// <summary>The cells that are really evaluated each cycle, in evaluation order.</summary>
    public IReadOnlyList<RtlCell> Computed => _computed;

    public int Size => _size;

    /// <summary>Cells never computed on their own: their one reader fetches their bits from their inputs.</summary>
    public IEnumerable<RtlCell> Inlined => _inlined.Values;

    /// <summary>The table form of a lane cell computed as a function of up to three bits (see <see cref="FieldInlining"/>), if it is one.</summary>
    public LutCell? Lut(RtlCell cell) => _luts.GetValueOrDefault(Of(cell.Output).Offset);

    public RtlCell? InlinedProducer(Place place) => place.IsConstant ? null : _inlined.GetValueOrDefault(place.Offset);

    /// <summary>The stored or computed values a cell really reads: its inputs, with inlined ones replaced by what they read.</summary>
    public IEnumerable<RtlSignal> Reads(RtlCell cell)
    {
        foreach (var input in cell.Inputs)
        {
            if (InlinedProducer(Of(input)) is { } producer)
                foreach (var leaf in Reads(producer)) yield return leaf;
            else yield return input;
        }
    }

    public Place Of(RtlSignal signal) => _places[signal];

    public int MemoryOffset(RtlMemory memory) => _memories[memory];

    /// <summary>Position of word <paramref name="word"/> of entry <paramref name="address"/> of a memory, in lane <paramref name="lane"/>.</summary>
    public int MemoryWord(RtlMemory memory, int address, int word, int lane)
    {
        int copies = LanesOf(memory);
        return _memories[memory] + (((address * WordsOf(memory.Width)) + word) * copies) + (copies > 1 ? lane : 0);
    }

    public static int WordsOf(int width) => (width + 63) / 64;

    /// <summary>Scratch words the clock-edge code needs (values computed before any state changes).</summary>
    public int AllocateScratch(int words)
    {
        int offset = _size;
        _size += words;
        return offset;
    }

    /// <summary>A lane vector holding <paramref name="value"/> in every lane (written at power-on), one per value.</summary>
    public int VectorConstant(ulong value)
    {
        if (!_vectorConstants.TryGetValue(value, out int offset))
        {
            Align();
            _vectorConstants[value] = offset = _size;
            _size += Lanes;
        }
        return offset;
    }

    /// <summary>A scratch place shaped like <paramref name="like"/> (same words and lanes).</summary>
    public Place AllocateScratch(Place like)
    {
        if (like.IsVarying) Align();
        var place = new Place(_size, like.Words, null, like.Lanes);
        _size += like.Words * like.Lanes;
        return place;
    }

    /// <summary>
    /// The buffer at power-on: constants, register power-on values, memory init data (in every
    /// lane). <paramref name="alignment"/> spare words let the caller start it on a vector boundary.
    /// </summary>
    public ulong[] PowerOnImage(int alignment = 0)
    {
        var image = GC.AllocateArray<ulong>(Math.Max(1, _size) + alignment, pinned: true);
        foreach (var place in _places.Values.Where(p => p.IsConstant).Distinct())
            for (int w = 0; w < place.Words; w++) image[place.Offset + w] = place.ConstantWord(w);
        foreach (var r in Netlist.Module.Registers)
            if (r.Reset is null) Write(image, Of(r.Q), r.ResetValue);
        foreach (var (value, offset) in _vectorConstants)
            for (int lane = 0; lane < Lanes; lane++) image[offset + lane] = value;
        foreach (var memory in _memories.Keys)
        {
            // Each init word split into 64-bit words once (not a shift per word and lane: the
            // weight memories hold thousands of bits per word, and that was most of a short run's layout time).
            var words = new ulong[WordsOf(memory.Width)];
            for (int a = 0; a < (memory.Init?.Count ?? 0); a++)
            {
                SplitWords(memory.Init![a], words);
                for (int lane = 0; lane < LanesOf(memory); lane++)
                    for (int w = 0; w < words.Length; w++) image[MemoryWord(memory, a, w, lane)] = words[w];
            }
        }
        return image;
    }

    /// <summary>The low 64 * words.Length bits of a non-negative value, least significant word first.</summary>
    public static void SplitWords(BigInteger value, Span<ulong> words)
    {
        words.Clear();
        if (BitConverter.IsLittleEndian && value.Sign >= 0 && value.GetByteCount(isUnsigned: true) <= 8 * words.Length)
        {
            value.TryWriteBytes(MemoryMarshal.AsBytes(words), out _, isUnsigned: true, isBigEndian: false);
            return;
        }
        for (int w = 0; w < words.Length; w++) words[w] = (ulong)((value >> (64 * w)) & ulong.MaxValue);
    }

    /// <summary>Writes a value into every lane of a place.</summary>
    public static void Write(ulong[] buffer, Place place, BigInteger value)
    {
        for (int lane = 0; lane < place.Lanes; lane++)
            for (int w = 0; w < place.Words; w++) buffer[place.At(w, lane)] = (ulong)((value >> (64 * w)) & ulong.MaxValue);
    }

    private Place Allocate(int width, BigInteger? constant, int lanes = 1)
    {
        if (lanes > 1) Align();
        var place = new Place(_size, WordsOf(width), constant, lanes);
        _size += place.Words * lanes;
        return place;
    }

    /// <summary>Moves the next allocation to a whole vector of lanes, so lane vectors load aligned.</summary>
    private void Align() => _size = (_size + Lanes - 1) / Lanes * Lanes;
}
