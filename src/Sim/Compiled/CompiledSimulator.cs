using System.Numerics;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// The fast simulator: the design is levelized once, laid out in one pinned buffer of 64-bit
/// words, and compiled to IL kernels (straight-line code, no interpretation per cell) that the
/// JIT turns into machine code. A cycle is one settle call (skipped when nothing was poked
/// since the last one) plus one edge call; nothing is allocated per cycle.
/// </summary>
internal sealed unsafe class CompiledSimulator : Simulator
{
    /// <summary>Cost units per settle kernel: large enough to amortise calls, small enough that the JIT keeps optimising (it gives up on huge methods).</summary>
    private const int SettleBudget = 2500;

    private readonly StorageLayout _layout;
    private readonly ulong[] _state;
    private readonly ulong* _base;
    private readonly Kernel _settle;
    private readonly Kernel _edge;
    private readonly int[] _offsets;
    private bool _dirty = true;

    public CompiledSimulator(Netlist netlist) : base(netlist)
    {
        _layout = new StorageLayout(netlist, Levelizer.Order(netlist));
        var settleParts = CompileSettle(_layout);
        var edgeParts = new EdgeEmitter(_layout).Emit(); // allocates scratch, so before the buffer
        _state = _layout.PowerOnImage();
        _base = (ulong*)Marshal.UnsafeAddrOfPinnedArrayElement(_state, 0);
        _settle = Sequence("settle", settleParts);
        _edge = Sequence("edge", edgeParts);
        _offsets = [.. netlist.Signals.Select(s => _layout.Of(s).Offset)];
        CellCount = _layout.Computed.Count;
    }

    /// <summary>Cells evaluated per settle after renames and constants were folded away.</summary>
    public int CellCount { get; }

    public override void PokeFast(SimSignal signal, ulong value)
    {
        _base[_offsets[signal.Index]] = value;
        _dirty = true;
    }

    protected override void Write(SimSignal input, BigInteger value)
    {
        var place = _layout.Of(input.Rtl);
        for (int w = 0; w < place.Words; w++) _base[place.Offset + w] = (ulong)((value >> (64 * w)) & ulong.MaxValue);
        _dirty = true;
    }

    public override ulong PeekUInt64(SimSignal signal)
    {
        if (_dirty) Settle();
        return _base[_offsets[signal.Index]];
    }

    public override BigInteger Peek(SimSignal signal)
    {
        if (_dirty) Settle();
        return Read(_layout.Of(signal.Rtl));
    }

    public override BigInteger PeekMemory(string memory, int address)
    {
        var m = Memory(memory);
        if (address < 0 || address >= m.Depth) throw new ArgumentOutOfRangeException(nameof(address), $"memory {memory} has {m.Depth} words");
        int words = StorageLayout.WordsOf(m.Width);
        return Read(new Place(_layout.MemoryOffset(m) + (address * words), words, null));
    }

    public override void Step()
    {
        if (_dirty) _settle(_base);
        _edge(_base);
        _dirty = true;
        Cycle++;
    }

    private void Settle()
    {
        _settle(_base);
        _dirty = false;
    }

    private BigInteger Read(Place place)
    {
        var value = BigInteger.Zero;
        for (int w = place.Words - 1; w >= 0; w--) value = (value << 64) | _base[place.Offset + w];
        GC.KeepAlive(_state);
        return value;
    }

    private static List<KernelBuilder> CompileSettle(StorageLayout layout)
    {
        var kernels = new List<KernelBuilder>();
        var cells = layout.Computed;
        int start = 0;
        while (start < cells.Count)
        {
            int end = start, cost = 0;
            while (end < cells.Count && (cost < SettleBudget || end == start))
                cost += Cost(layout, cells[end++]);
            var kernel = new KernelBuilder($"settle_{kernels.Count}");
            var emitter = new CellEmitter(kernel, layout);
            // A narrow value read again inside this kernel is kept in a local until its last reader.
            var lastReader = new Dictionary<int, int>();
            var definedHere = new HashSet<int>();
            for (int i = start; i < end; i++)
            {
                foreach (var input in cells[i].Inputs)
                {
                    var place = layout.Of(input);
                    if (place.Words == 1 && definedHere.Contains(place.Offset)) lastReader[place.Offset] = i;
                }
                definedHere.Add(layout.Of(cells[i].Output).Offset);
            }
            var releaseAfter = lastReader.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList());
            for (int i = start; i < end; i++)
            {
                var output = layout.Of(cells[i].Output);
                emitter.Emit(cells[i], keep: lastReader.ContainsKey(output.Offset));
                if (releaseAfter.TryGetValue(i, out var done))
                    foreach (var offset in done) kernel.Release(new Place(offset, 1, null));
            }
            kernels.Add(kernel);
            start = end;
        }
        return kernels;
    }

    private static int Cost(StorageLayout layout, Compiler.Rtl.RtlCell cell) =>
        1 + layout.Of(cell.Output).Words + cell.Inputs.Sum(i => layout.Of(i).Words);

    /// <summary>One kernel that calls the parts in order, so a settle or an edge is a single delegate call.</summary>
    private static Kernel Sequence(string name, List<KernelBuilder> parts)
    {
        var sequence = new KernelBuilder(name);
        foreach (var part in parts)
        {
            part.Emit(OpCodes.Ret);
            sequence.IL.Emit(OpCodes.Ldarg_0);
            sequence.IL.Emit(OpCodes.Call, part.Method);
        }
        return sequence.Finish();
    }
}
