using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim;

/// <summary>A handle on one signal of a simulated design; look it up once, then poke and peek it every cycle.</summary>
public sealed class SimSignal(RtlSignal signal, int index)
{
    public RtlSignal Rtl { get; } = signal;
    public string Name => Rtl.Name;
    public int Width => Rtl.Width;
    public bool IsInput => Rtl.Kind == SignalKind.Input;

    /// <summary>Position in <see cref="Netlist.Signals"/>.</summary>
    public int Index { get; } = index;

    public override string ToString() => Rtl.ToString();
}

/// <summary>
/// A cycle-based simulation of one flattened design on its single clock. Poke inputs, peek any
/// signal (combinational values are settled on demand from the current inputs and state), and
/// <see cref="Step()"/> applies one rising clock edge. Power-on state: registers without a reset
/// hold their ResetValue, registers with a reset and memory read data hold 0 (as Verilator's
/// and yosys' defaults do) until the design is reset, memories hold their Init data.
/// </summary>
public abstract class Simulator
{
    private readonly SimSignal[] _signals;
    private readonly Dictionary<string, SimSignal> _byName = [];

    protected Simulator(Netlist netlist)
    {
        Netlist = netlist;
        _signals = [.. netlist.Signals.Select((s, i) => new SimSignal(s, i))];
        foreach (var s in _signals) _byName[s.Name] = s;
    }

    /// <summary>
    /// Builds the fast compiled simulator (the default) or the reference interpreter. With
    /// <paramref name="storeAllSignals"/> the compiled simulator writes every signal to memory
    /// (for waveform dumps of internals); otherwise values used only inside one partition are
    /// recomputed when peeked, which is correct but slow for dumping many of them every cycle.
    /// </summary>
    public static Simulator Create(RtlDesign design, SimEngine engine = SimEngine.Compiled, bool storeAllSignals = false) =>
        Create(Netlist.Of(design), engine, storeAllSignals);

    public static Simulator Create(Netlist netlist, SimEngine engine = SimEngine.Compiled, bool storeAllSignals = false) => engine switch
    {
        SimEngine.Compiled => new Compiled.CompiledSimulator(netlist, storeAllSignals),
        SimEngine.Interpreter => new Interpreter.ReferenceInterpreter(netlist),
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    /// <summary>
    /// The compiled simulator running <see cref="LaneCount"/> copies of the design at once, one
    /// per SIMD lane. The inputs named in <paramref name="laneInputs"/> may differ between lanes
    /// (<see cref="PokeLane"/>); everything computed from them is held per lane, the rest once.
    /// </summary>
    /// <param name="layouts">Where the layout and activity plan of this netlist are kept between runs, if anywhere.</param>
    public static Simulator CreateLanes(Netlist netlist, IReadOnlyList<string> laneInputs, ILayoutStore? layouts = null) =>
        new Compiled.CompiledSimulator(netlist, storeAll: false, LaneCount, laneInputs, layouts: layouts);

    /// <summary>The multi-lane simulator with its lane operations in the portable (non-AVX-512) form, which CPUs without AVX-512 get.</summary>
    internal static Simulator CreatePortableLanes(Netlist netlist, IReadOnlyList<string> laneInputs, ILayoutStore? layouts = null) =>
        new Compiled.CompiledSimulator(netlist, storeAll: false, LaneCount, laneInputs, portableLanes: true, layouts: layouts);

    /// <summary>Lanes of the multi-lane simulator: the 64-bit elements of a 512-bit vector.</summary>
    public const int LaneCount = Compiled.LaneMath.Lanes;

    /// <summary>Whether SIMD lanes are fast here (AVX-512); without it they are correct but slow, so callers default to one lane.</summary>
    public static bool LanesAccelerated => Compiled.LaneMath.Accelerated;

    /// <summary>Copies of the design simulated at once (1 unless built with <see cref="CreateLanes"/>).</summary>
    public virtual int Lanes => 1;

    /// <summary>Whether the signal may hold a different value in each lane.</summary>
    public virtual bool IsVarying(SimSignal signal) => false;

    /// <summary>Pokes one lane of an input that differs between lanes.</summary>
    public virtual void PokeLane(SimSignal signal, int lane, ulong value)
    {
        if (lane != 0) throw new ArgumentOutOfRangeException(nameof(lane), "this simulator runs one lane");
        PokeFast(signal, value);
    }

    /// <summary>Pokes one lane of an input of any width that differs between lanes.</summary>
    public virtual void PokeLane(SimSignal signal, int lane, BigInteger value)
    {
        if (lane != 0) throw new ArgumentOutOfRangeException(nameof(lane), "this simulator runs one lane");
        Poke(signal, value);
    }

    /// <summary>The settled value of a signal in one lane.</summary>
    public virtual BigInteger PeekLane(SimSignal signal, int lane) =>
        lane == 0 ? Peek(signal) : throw new ArgumentOutOfRangeException(nameof(lane), "this simulator runs one lane");

    /// <summary>The low 64 bits of a signal's settled value in one lane.</summary>
    public virtual ulong PeekLaneUInt64(SimSignal signal, int lane) =>
        lane == 0 ? PeekUInt64(signal) : throw new ArgumentOutOfRangeException(nameof(lane), "this simulator runs one lane");

    public Netlist Netlist { get; }
    public RtlModule Module => Netlist.Module;

    /// <summary>Rising clock edges applied since construction.</summary>
    public long Cycle { get; protected set; }

    public IReadOnlyList<SimSignal> Signals => _signals;

    public SimSignal Signal(string name) => _byName.TryGetValue(name, out var s) ? s
        : throw new KeyNotFoundException($"design {Module.Name} has no signal {name}");

    public SimSignal? TryFindSignal(string name) => _byName.GetValueOrDefault(name);

    public void Poke(SimSignal signal, ulong value) => Poke(signal, (BigInteger)value);
    public void Poke(string name, BigInteger value) => Poke(Signal(name), value);

    public void Poke(SimSignal signal, BigInteger value)
    {
        if (!signal.IsInput) throw new InvalidOperationException($"{signal.Name} is not an input; only inputs can be poked");
        if (value.Sign < 0 || value > CellSemantics.Mask(signal.Width))
            throw new ArgumentOutOfRangeException(nameof(value), $"{value} does not fit input {signal}");
        Write(signal, value);
    }

    /// <summary>A fast poke of an input of at most 64 bits; the value must fit (checked only in debug builds).</summary>
    public abstract void PokeFast(SimSignal signal, ulong value);

    public BigInteger Peek(string name) => Peek(Signal(name));
    public abstract BigInteger Peek(SimSignal signal);

    /// <summary>The low 64 bits of the signal's settled value.</summary>
    public abstract ulong PeekUInt64(SimSignal signal);

    public abstract BigInteger PeekMemory(string memory, int address);

    /// <summary>Combinational cells evaluated per cycle (after renames and constants are folded away, for the compiled engine).</summary>
    public virtual int EvaluatedCellCount => Module.Cells.Count;

    /// <summary>Applies one rising clock edge (settling combinational logic first if inputs changed).</summary>
    public abstract void Step();

    public void Step(long cycles)
    {
        for (long i = 0; i < cycles; i++) Step();
    }

    protected abstract void Write(SimSignal input, BigInteger value);

    protected RtlMemory Memory(string name) => Module.Memories.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"design {Module.Name} has no memory {name}");
}

public enum SimEngine
{
    Compiled,
    Interpreter,
}
