using System.Numerics;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// The fast simulator: the design is levelized once, laid out in one pinned buffer of 64-bit
/// words, and compiled to IL kernels (straight-line code, no interpretation per cell) that the
/// JIT turns into machine code. Settling evaluates only partitions whose inputs changed
/// (<see cref="ActivityPlan"/>), and is skipped entirely when nothing was poked since the last
/// one; a cycle allocates nothing. Values the plan keeps in locals only are recomputed from
/// stored ones when peeked.
/// </summary>
internal sealed unsafe class CompiledSimulator : Simulator
{
    private readonly StorageLayout _layout;
    private readonly ActivityPlan _plan;
    private readonly ulong[] _state;
    private readonly ulong* _base;
    private readonly Kernel _settle;
    private readonly Kernel _edge;
    private readonly int[] _offsets;
    private readonly int[][] _wakeOnPoke;
    private readonly bool[] _stored;
    private bool _dirty = true;

    public CompiledSimulator(Netlist netlist, bool storeAll = false) : base(netlist)
    {
        _layout = new StorageLayout(netlist, Levelizer.Order(netlist));
        _plan = new ActivityPlan(_layout, storeAll);
        var settleParts = SettleCompiler.Compile(_layout, _plan);
        var edgeParts = new EdgeEmitter(_layout, _plan).Emit(); // allocates scratch words, so before the buffer
        _state = _layout.PowerOnImage();
        foreach (var partition in _plan.Partitions) _state[partition.FlagOffset] = 1;
        _base = (ulong*)Marshal.UnsafeAddrOfPinnedArrayElement(_state, 0);
        _settle = Sequence("settle", settleParts);
        _edge = Sequence("edge", edgeParts);
        _offsets = [.. netlist.Signals.Select(s => _layout.Of(s).Offset)];
        _stored = [.. _offsets.Select(_plan.IsStored)];
        _wakeOnPoke = [.. netlist.Signals.Select(s => s.Kind == SignalKind.Input ? _plan.ConsumerFlags(_layout.Of(s).Offset).ToArray() : [])];
        CompileNow();
    }

    /// <summary>
    /// Runs every kernel once on a scratch copy of the state, so the JIT compiles them here
    /// rather than inside the first simulated cycles (which would distort timings).
    /// </summary>
    private void CompileNow()
    {
        var scratch = GC.AllocateArray<ulong>(_state.Length, pinned: true);
        Array.Copy(_state, scratch, _state.Length);
        var pointer = (ulong*)Marshal.UnsafeAddrOfPinnedArrayElement(scratch, 0);
        _settle(pointer);
        _edge(pointer);
        GC.KeepAlive(scratch);
    }

    public override int EvaluatedCellCount => _layout.Computed.Count;

    public override void PokeFast(SimSignal signal, ulong value)
    {
        ref ulong slot = ref _base[_offsets[signal.Index]];
        if (slot == value) return;
        slot = value;
        foreach (int flag in _wakeOnPoke[signal.Index]) _base[flag] = 1;
        _dirty = true;
    }

    protected override void Write(SimSignal input, BigInteger value)
    {
        var place = _layout.Of(input.Rtl);
        for (int w = 0; w < place.Words; w++) _base[place.Offset + w] = (ulong)((value >> (64 * w)) & ulong.MaxValue);
        foreach (int flag in _wakeOnPoke[input.Index]) _base[flag] = 1;
        _dirty = true;
    }

    public override ulong PeekUInt64(SimSignal signal)
    {
        if (_dirty) Settle();
        return _stored[signal.Index] ? _base[_offsets[signal.Index]] : (ulong)(Value(signal.Rtl) & ulong.MaxValue);
    }

    public override BigInteger Peek(SimSignal signal)
    {
        if (_dirty) Settle();
        return Value(signal.Rtl);
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

    /// <summary>A settled value: read from the buffer, or recomputed from stored values when the plan kept it in locals only.</summary>
    private BigInteger Value(RtlSignal signal)
    {
        var place = _layout.Of(signal);
        if (place.IsConstant) return place.Constant!.Value;
        if (_plan.IsStored(place.Offset)) return Read(place);
        var cell = _plan.ProducerOf(place.Offset)!;
        return CellSemantics.Evaluate(cell, cell.Inputs.Select(Value).ToList());
    }

    private BigInteger Read(Place place)
    {
        var value = BigInteger.Zero;
        for (int w = place.Words - 1; w >= 0; w--) value = (value << 64) | _base[place.Offset + w];
        GC.KeepAlive(_state);
        return value;
    }

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
