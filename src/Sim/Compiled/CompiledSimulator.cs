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
/// <para>
/// With several lanes it simulates that many copies of the design at once, one per element of a
/// SIMD vector: values the <see cref="LaneAnalysis"/> finds varying (computed from the lane
/// inputs) are held and computed per lane, everything else once for all lanes.
/// </para>
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
    private readonly Place[] _places;
    private readonly int[][] _wakeOnPoke;
    private readonly bool[] _stored;
    private bool _dirty = true;

    public CompiledSimulator(Netlist netlist, bool storeAll = false, int lanes = 1, IReadOnlyList<string>? laneInputs = null, bool? portableLanes = null, ILayoutStore? layouts = null) : base(netlist)
    {
        if (lanes < 1) throw new ArgumentOutOfRangeException(nameof(lanes), "at least one lane");
        if (lanes > 1 && lanes != LaneMath.Lanes) throw new ArgumentOutOfRangeException(nameof(lanes), $"the lane kernels run {LaneMath.Lanes} lanes");
        Lanes = lanes;
        var inputs = lanes == 1 ? [] : (laneInputs ?? []).Select(n => netlist.Find(n) ?? throw new ArgumentException($"design {netlist.Module.Name} has no input {n}")).ToList();
        bool portable = portableLanes ?? !LaneMath.Accelerated;
        string parameters = $"lanes {lanes}, store all {storeAll}, lane inputs {string.Join(' ', inputs.Select(i => i.Name))}";
        if (layouts?.Load(parameters) is { } saved && TryLoad(netlist, lanes, portable, saved) is { } loaded)
        {
            (_layout, _plan) = loaded;
            Runtime.IO.StartupLaps.Lap("sim build: layout and activity plan read");
        }
        else
        {
            var analysis = lanes == 1 ? null : new LaneAnalysis(netlist, inputs);
            Runtime.IO.StartupLaps.Lap("sim build: lane analysis");
            _layout = new StorageLayout(netlist, Levelizer.Order(netlist), lanes, analysis, inlineFields: !storeAll) { PortableLanes = portable };
            _plan = new ActivityPlan(_layout, storeAll);
            Runtime.IO.StartupLaps.Lap("sim build: layout and activity plan");
            if (layouts is not null && LayoutBinary.Save(_layout, _plan) is { } bytes) layouts.Store(parameters, bytes);
        }
        var warmer = new KernelWarmer();
        var settleParts = SettleCompiler.Compile(_layout, _plan, kernel => warmer.Warm(kernel, _layout.Size));
        Runtime.IO.StartupLaps.Lap("sim build: settle IL emitted");
        var edgeParts = new EdgeEmitter(_layout, _plan).Emit(); // allocates scratch words, so before the buffer
        Runtime.IO.StartupLaps.Lap("sim build: edge IL emitted");
        // Lane vectors are 64 bytes: start the state on a 64-byte boundary so they load aligned.
        var image = _layout.PowerOnImage();
        _state = GC.AllocateArray<ulong>(image.Length + 8, pinned: true);
        int shift = (int)((64 - ((long)Marshal.UnsafeAddrOfPinnedArrayElement(_state, 0) % 64)) % 64) / 8;
        Array.Copy(image, 0, _state, shift, image.Length);
        _base = (ulong*)Marshal.UnsafeAddrOfPinnedArrayElement(_state, shift);
        foreach (var partition in _plan.Partitions) _base[partition.FlagOffset] = 1;
        _settle = Sequence("settle", settleParts);
        _edge = Sequence("edge", edgeParts);
        _places = [.. netlist.Signals.Select(_layout.Of)];
        _offsets = [.. _places.Select(p => p.Offset)];
        _stored = [.. _offsets.Select(_plan.IsStored)];
        _wakeOnPoke = [.. netlist.Signals.Select(s => s.Kind == SignalKind.Input ? _plan.ConsumerFlags(_layout.Of(s).Offset).ToArray() : [])];
        CompileNow(edgeParts, warmer);
        Runtime.IO.StartupLaps.Lap("sim build: kernels compiled and run once");
    }

    private static (StorageLayout, ActivityPlan)? TryLoad(Netlist netlist, int lanes, bool portable, byte[] saved)
    {
        try
        {
            return LayoutBinary.Load(netlist, lanes, portable, saved);
        }
        catch (InvalidDataException)
        {
            return null; // derived again below, and saved over
        }
    }

    /// <summary>
    /// Runs every kernel once on a scratch copy of the state, so the JIT compiles them here
    /// rather than inside the first simulated cycles (which would distort timings). The parts
    /// are compiled in parallel, one per core at a time: the JIT is most of what building a
    /// large design costs (the settle parts start while the rest is still being emitted, see <see cref="KernelWarmer"/>). Kernels are straight-line code over the buffer, so running them out
    /// of order on scratch state does no harm. The settle parts were handed to
    /// <paramref name="settleWarmer"/> as they were emitted; this waits for them.
    /// </summary>
    private void CompileNow(IReadOnlyList<KernelBuilder> parts, KernelWarmer settleWarmer)
    {
        var scratch = GC.AllocateArray<ulong>(_state.Length + 8, pinned: true);
        long start = (long)Marshal.UnsafeAddrOfPinnedArrayElement(scratch, 0);
        int shift = (int)((64 - (start % 64)) % 64) / 8;
        var pointer = (ulong*)Marshal.UnsafeAddrOfPinnedArrayElement(scratch, shift);
        Buffer.MemoryCopy(_base, pointer, 8L * (_state.Length - 8), 8L * (_state.Length - 8));
        nint address = (nint)pointer;
        var kernels = parts.Select(part => part.Finish()).ToList();
        Parallel.ForEach(kernels, kernel => kernel((ulong*)address));
        settleWarmer.Wait();
        _settle(pointer);
        _edge(pointer);
        GC.KeepAlive(scratch);
    }

    public override int EvaluatedCellCount => _layout.Computed.Count;

    public override int Lanes { get; }

    public override bool IsVarying(SimSignal signal) => _places[signal.Index].IsVarying;

    public override void PokeFast(SimSignal signal, ulong value)
    {
        var place = _places[signal.Index];
        for (int lane = 0; lane < place.Lanes; lane++) PokeLaneFast(signal, place.At(0, lane), value);
    }

    public override void PokeLane(SimSignal signal, int lane, ulong value)
    {
        var place = _places[signal.Index];
        if ((uint)lane >= (uint)Lanes) throw new ArgumentOutOfRangeException(nameof(lane), $"the simulator runs {Lanes} lanes");
        if (!place.IsVarying) throw new InvalidOperationException($"{signal.Name} is shared by all lanes; poke it with PokeFast");
        PokeLaneFast(signal, place.At(0, lane), value);
    }

    public override void PokeLane(SimSignal signal, int lane, BigInteger value)
    {
        var place = _places[signal.Index];
        if ((uint)lane >= (uint)Lanes) throw new ArgumentOutOfRangeException(nameof(lane), $"the simulator runs {Lanes} lanes");
        if (!place.IsVarying) throw new InvalidOperationException($"{signal.Name} is shared by all lanes; poke it with Poke");
        if (value.Sign < 0 || value > CellSemantics.Mask(signal.Width)) throw new ArgumentOutOfRangeException(nameof(value), $"{value} does not fit input {signal}");
        for (int w = 0; w < place.Words; w++) _base[place.At(w, lane)] = (ulong)((value >> (64 * w)) & ulong.MaxValue);
        foreach (int flag in _wakeOnPoke[signal.Index]) _base[flag] = 1;
        _dirty = true;
    }

    private void PokeLaneFast(SimSignal signal, int offset, ulong value)
    {
        ref ulong slot = ref _base[offset];
        if (slot == value) return;
        slot = value;
        foreach (int flag in _wakeOnPoke[signal.Index]) _base[flag] = 1;
        _dirty = true;
    }

    protected override void Write(SimSignal input, BigInteger value)
    {
        var place = _layout.Of(input.Rtl);
        for (int lane = 0; lane < place.Lanes; lane++)
            for (int w = 0; w < place.Words; w++) _base[place.At(w, lane)] = (ulong)((value >> (64 * w)) & ulong.MaxValue);
        foreach (int flag in _wakeOnPoke[input.Index]) _base[flag] = 1;
        _dirty = true;
    }

    public override ulong PeekUInt64(SimSignal signal) => PeekLaneUInt64(signal, 0);

    public override ulong PeekLaneUInt64(SimSignal signal, int lane)
    {
        if (_dirty) Settle();
        return _stored[signal.Index] ? _base[_places[signal.Index].At(0, lane)] : (ulong)(Value(signal.Rtl, lane) & ulong.MaxValue);
    }

    public override BigInteger Peek(SimSignal signal) => PeekLane(signal, 0);

    public override BigInteger PeekLane(SimSignal signal, int lane)
    {
        if ((uint)lane >= (uint)Lanes) throw new ArgumentOutOfRangeException(nameof(lane), $"the simulator runs {Lanes} lanes");
        if (_dirty) Settle();
        return Value(signal.Rtl, lane);
    }

    public override BigInteger PeekMemory(string memory, int address) => PeekMemory(memory, address, 0);

    public BigInteger PeekMemory(string memory, int address, int lane)
    {
        var m = Memory(memory);
        if (address < 0 || address >= m.Depth) throw new ArgumentOutOfRangeException(nameof(address), $"memory {memory} has {m.Depth} words");
        var value = BigInteger.Zero;
        for (int w = StorageLayout.WordsOf(m.Width) - 1; w >= 0; w--) value = (value << 64) | _base[_layout.MemoryWord(m, address, w, lane)];
        GC.KeepAlive(_state);
        return value;
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

    /// <summary>A settled value of one lane: read from the buffer, or recomputed from stored values when the plan kept it in locals only.</summary>
    private BigInteger Value(RtlSignal signal, int lane)
    {
        var place = _layout.Of(signal);
        if (place.IsConstant) return place.Constant!.Value;
        if (_plan.IsStored(place.Offset)) return Read(place, lane);
        var cell = _plan.ProducerOf(place.Offset)!;
        return CellSemantics.Evaluate(cell, cell.Inputs.Select(i => Value(i, lane)).ToList());
    }

    private BigInteger Read(Place place, int lane)
    {
        var value = BigInteger.Zero;
        for (int w = place.Words - 1; w >= 0; w--) value = (value << 64) | _base[place.At(w, lane)];
        GC.KeepAlive(_state);
        return value;
    }

    /// <summary>One kernel that calls the parts in order, so a settle or an edge is a single delegate call.</summary>
    private static Kernel Sequence(string name, List<KernelBuilder> parts)
    {
        var sequence = new KernelBuilder(name, parts.Count > 0 ? parts[0].Lanes : 1) { PortableLanes = parts.Count > 0 && parts[0].PortableLanes };
        foreach (var part in parts)
        {
            part.Finish();
            sequence.IL.Emit(OpCodes.Ldarg_0);
            sequence.IL.Emit(OpCodes.Call, part.Method);
        }
        return sequence.Finish();
    }
}
