using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>Where a signal's value lives: <see cref="Words"/> 64-bit words at <see cref="Offset"/> of the state buffer, least significant word first.</summary>
internal sealed record Place(int Offset, int Words, BigInteger? Constant)
{
    public bool IsConstant => Constant is not null;

    /// <summary>Word <paramref name="index"/> of a constant.</summary>
    public ulong ConstantWord(int index) => (ulong)((Constant!.Value >> (64 * index)) & ulong.MaxValue);
}

/// <summary>
/// Decides the state buffer: a slot per signal that needs computing, with renames (Buffer, a
/// ZeroExt that adds no word, a Mux with a constant select) sharing their source's slot and
/// cells with only constant inputs folded into constants written once. Values are kept
/// canonical: bits above a signal's width are always zero. Slots follow evaluation order so a
/// cycle walks the buffer mostly forwards.
/// </summary>
internal sealed class StorageLayout
{
    private readonly Dictionary<RtlSignal, Place> _places = [];
    private readonly Dictionary<RtlMemory, int> _memories = [];
    private readonly List<RtlCell> _computed = [];
    private int _size;

    public StorageLayout(Netlist netlist, IReadOnlyList<RtlCell> ordered)
    {
        Netlist = netlist;
        foreach (var s in netlist.Signals)
            if (s.Kind == SignalKind.Input || netlist.IsState(s)) Allocate(s);
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
                Allocate(output);
                _computed.Add(cell);
            }
        }
        foreach (var s in netlist.Signals)
            if (!_places.ContainsKey(s)) Allocate(s); // undriven and unread: reads as zero
        foreach (var m in netlist.Module.Memories)
        {
            _memories[m] = _size;
            _size += checked(m.Depth * WordsOf(m.Width));
        }
    }

    public Netlist Netlist { get; }

    /// <summary>The cells that are really evaluated each cycle, in evaluation order.</summary>
    public IReadOnlyList<RtlCell> Computed => _computed;

    public int Size => _size;

    public Place Of(RtlSignal signal) => _places[signal];

    public int MemoryOffset(RtlMemory memory) => _memories[memory];

    public static int WordsOf(int width) => (width + 63) / 64;

    /// <summary>Scratch words the clock-edge code needs (values computed before any state changes).</summary>
    public int AllocateScratch(int words)
    {
        int offset = _size;
        _size += words;
        return offset;
    }

    /// <summary>The buffer at power-on: constants, register power-on values, memory init data.</summary>
    public ulong[] PowerOnImage()
    {
        var image = GC.AllocateArray<ulong>(Math.Max(1, _size), pinned: true);
        foreach (var place in _places.Values.Where(p => p.IsConstant).Distinct())
            for (int w = 0; w < place.Words; w++) image[place.Offset + w] = place.ConstantWord(w);
        foreach (var r in Netlist.Module.Registers)
            if (r.Reset is null) Write(image, Of(r.Q), r.ResetValue);
        foreach (var (memory, offset) in _memories)
        {
            int words = WordsOf(memory.Width);
            for (int a = 0; a < (memory.Init?.Count ?? 0); a++)
                Write(image, new Place(offset + (a * words), words, null), memory.Init![a]);
        }
        return image;
    }

    public static void Write(ulong[] buffer, Place place, BigInteger value)
    {
        for (int w = 0; w < place.Words; w++) buffer[place.Offset + w] = (ulong)((value >> (64 * w)) & ulong.MaxValue);
    }

    private void Allocate(RtlSignal signal) => _places[signal] = Allocate(signal.Width, null);

    private Place Allocate(int width, BigInteger? constant)
    {
        var place = new Place(_size, WordsOf(width), constant);
        _size += place.Words;
        return place;
    }
}
