using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Netlists;

/// <summary>
/// A flattened design checked for what both simulators rely on: every signal has at most one
/// driver, every signal that is read has one, and every cell, register and memory port has the
/// widths its kind requires. Problems are <see cref="UserError"/>s naming the module and signal,
/// because a design usually reaches the simulator as a file (design.rtl).
/// </summary>
public sealed class Netlist
{
    private readonly Dictionary<string, RtlSignal> _byName = [];
    private readonly Dictionary<RtlSignal, RtlCell> _driver = [];
    private readonly HashSet<RtlSignal> _state = [];

    public Netlist(RtlModule flat) : this(flat, check: true)
    {
    }

    /// <summary>
    /// The netlist of a module that passed these checks before (a cache entry of one, byte for
    /// byte the same): the lookups are built, the checks not repeated (a tenth of a second on the largest designs).
    /// </summary>
    public static Netlist OfChecked(RtlModule flat) => new(flat, check: false);

    private Netlist(RtlModule flat, bool check)
    {
        if (flat.Instances.Count > 0) throw new ArgumentException("the netlist needs a flattened module (see RtlFlattener)", nameof(flat));
        Module = flat;
        Signals = [.. flat.Ports.Where(p => p.Name != RtlModule.Clock), .. flat.Wires];
        Clock = flat.Ports.FirstOrDefault(p => p.Name == RtlModule.Clock);
        foreach (var s in Signals)
            if (!_byName.TryAdd(s.Name, s)) Fail($"the name {s.Name} is declared twice");
        if (!check)
        {
            foreach (var cell in flat.Cells) _driver[cell.Output] = cell;
            foreach (var r in flat.Registers) _state.Add(r.Q);
            foreach (var p in flat.Memories.SelectMany(m => m.ReadPorts)) _state.Add(p.Data);
            return;
        }

        var drivenBy = new Dictionary<RtlSignal, string>();
        void Drive(RtlSignal s, string by)
        {
            if (s.Kind == SignalKind.Input) Fail($"input {s.Name} is also driven by {by}");
            if (!drivenBy.TryAdd(s, by)) Fail($"{s.Name} has two drivers: {drivenBy[s]} and {by}");
        }
        foreach (var cell in flat.Cells)
        {
            if (RtlCellRules.Problem(cell) is { } problem) Fail(problem);
            Drive(cell.Output, $"a {cell.Op} cell");
            _driver[cell.Output] = cell;
        }
        foreach (var r in flat.Registers)
        {
            Drive(r.Q, "a register");
            _state.Add(r.Q);
            if (r.D.Width != r.Q.Width) Fail($"register {r.Q.Name} is {r.Q.Width} bits but its next value {r.D.Name} is {r.D.Width}");
            OneBit(r.Enable, $"enable of register {r.Q.Name}");
            OneBit(r.Reset, $"reset of register {r.Q.Name}");
            if (r.ResetValue.Sign < 0 || r.ResetValue > CellSemantics.Mask(r.Q.Width)) Fail($"reset value {r.ResetValue} of register {r.Q.Name} does not fit {r.Q.Width} bits");
        }
        foreach (var m in flat.Memories)
        {
            if (m.Depth < 1 || m.Width < 1) Fail($"memory {m.Name} needs a positive width and depth");
            if (m.Init is { } init && (init.Count > m.Depth || init.Any(v => v.Sign < 0 || v > CellSemantics.Mask(m.Width))))
                Fail($"memory {m.Name}: init data must be at most {m.Depth} words of {m.Width} bits");
            foreach (var p in m.ReadPorts)
            {
                Drive(p.Data, $"a read port of memory {m.Name}");
                _state.Add(p.Data);
                if (p.Data.Width != m.Width) Fail($"memory {m.Name} is {m.Width} bits wide but read data {p.Data.Name} is {p.Data.Width}");
                OneBit(p.Enable, $"read enable of memory {m.Name}");
            }
            foreach (var p in m.WritePorts)
            {
                if (p.Data.Width != m.Width) Fail($"memory {m.Name} is {m.Width} bits wide but write data {p.Data.Name} is {p.Data.Width}");
                OneBit(p.Enable, $"write enable of memory {m.Name}");
            }
        }
        foreach (var s in Reads())
        {
            if (s == Clock) Fail($"the clock is used as data ({s.Name}); only registers and memories may use it");
            if (s.Kind != SignalKind.Input && !drivenBy.ContainsKey(s)) Fail($"{s.Name} is read but nothing drives it");
            if (!_byName.TryGetValue(s.Name, out var declared) || declared != s) Fail($"{s.Name} is used but not declared");
        }
        foreach (var output in flat.Outputs)
            if (!drivenBy.ContainsKey(output)) Fail($"output {output.Name} is not driven");
    }

    /// <summary>Flattens the design and checks it.</summary>
    public static Netlist Of(RtlDesign design)
    {
        RtlModule flat;
        try
        {
            flat = RtlFlattener.Flatten(design);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            throw new UserError($"design {design.Top} cannot be flattened: {e.Message}");
        }
        return new Netlist(flat);
    }

    public RtlModule Module { get; }

    /// <summary>Every signal but the clock: ports first, then wires, in declaration order.</summary>
    public IReadOnlyList<RtlSignal> Signals { get; }

    public RtlSignal? Clock { get; }

    public RtlSignal? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The combinational cell driving <paramref name="signal"/>, if one does.</summary>
    public RtlCell? DriverOf(RtlSignal signal) => _driver.GetValueOrDefault(signal);

    /// <summary>Register outputs and memory read data: the signals that change only on the clock edge.</summary>
    public bool IsState(RtlSignal signal) => _state.Contains(signal);

    private IEnumerable<RtlSignal> Reads() => Module.Cells.SelectMany(cell => cell.Inputs).Concat(EdgeReads());

    /// <summary>The signals registers and memories sample on the clock edge: D, enables, resets, addresses, write data.</summary>
    public IEnumerable<RtlSignal> EdgeReads()
    {
        foreach (var r in Module.Registers)
        {
            yield return r.D;
            if (r.Enable is not null) yield return r.Enable;
            if (r.Reset is not null) yield return r.Reset;
        }
        foreach (var m in Module.Memories)
        {
            foreach (var p in m.ReadPorts)
            {
                yield return p.Address;
                if (p.Enable is not null) yield return p.Enable;
            }
            foreach (var p in m.WritePorts)
            {
                yield return p.Address;
                yield return p.Data;
                yield return p.Enable;
            }
        }
    }

    private void OneBit(RtlSignal? s, string what)
    {
        if (s is { Width: not 1 }) Fail($"{what} ({s.Name}) must be 1 bit, is {s.Width}");
    }

    private void Fail(string message) => throw new UserError($"module {Module.Name}: {message}");
}
