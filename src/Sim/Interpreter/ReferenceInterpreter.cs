using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Interpreter;

/// <summary>
/// The slow, obviously-correct oracle: every value is a <see cref="BigInteger"/>, a
/// combinational signal is computed on demand from its driving cell (memoised until the next
/// poke or edge), and a clock edge first computes every next value and only then commits them.
/// It shares nothing with the compiled simulator but the netlist checks and
/// <see cref="CellSemantics"/>.
/// </summary>
internal sealed class ReferenceInterpreter : Simulator
{
    private readonly Dictionary<RtlSignal, int> _index = [];
    private readonly BigInteger[] _values;
    private readonly bool[] _known;
    private readonly Dictionary<string, BigInteger[]> _memories = [];

    public ReferenceInterpreter(Netlist netlist) : base(netlist)
    {
        _values = new BigInteger[netlist.Signals.Count];
        _known = new bool[netlist.Signals.Count];
        for (int i = 0; i < netlist.Signals.Count; i++) _index[netlist.Signals[i]] = i;
        foreach (var r in Module.Registers) _values[_index[r.Q]] = r.Reset is null ? r.ResetValue : BigInteger.Zero;
        foreach (var m in Module.Memories)
        {
            var words = new BigInteger[m.Depth];
            for (int a = 0; a < (m.Init?.Count ?? 0); a++) words[a] = m.Init![a];
            _memories[m.Name] = words;
        }
    }

    public override BigInteger Peek(SimSignal signal) => Value(signal.Rtl);
    public override ulong PeekUInt64(SimSignal signal) => (ulong)(Value(signal.Rtl) & ulong.MaxValue);
    public override void PokeFast(SimSignal signal, ulong value) => Poke(signal, value);

    public override BigInteger PeekMemory(string memory, int address)
    {
        var words = _memories.TryGetValue(memory, out var w) ? w : throw new KeyNotFoundException($"design {Module.Name} has no memory {memory}");
        return words[address];
    }

    protected override void Write(SimSignal input, BigInteger value)
    {
        _values[input.Index] = value;
        Array.Clear(_known);
    }

    public override void Step()
    {
        var commits = new List<(int Index, BigInteger Value)>();
        var writes = new List<(BigInteger[] Words, BigInteger Address, BigInteger Data)>();
        foreach (var m in Module.Memories)
        {
            var words = _memories[m.Name];
            foreach (var port in m.ReadPorts)
            {
                if (port.Enable is not null && Value(port.Enable).IsZero) continue;
                var address = Value(port.Address);
                commits.Add((_index[port.Data], address < words.Length ? words[(int)address] : BigInteger.Zero));
            }
            foreach (var port in m.WritePorts)
                if (!Value(port.Enable).IsZero) writes.Add((words, Value(port.Address), Value(port.Data)));
        }
        foreach (var r in Module.Registers)
        {
            if (r.Reset is not null && !Value(r.Reset).IsZero) commits.Add((_index[r.Q], r.ResetValue));
            else if (r.Enable is null || !Value(r.Enable).IsZero) commits.Add((_index[r.Q], Value(r.D)));
        }
        foreach (var (words, address, data) in writes)
            if (address < words.Length) words[(int)address] = data;
        foreach (var (index, value) in commits) _values[index] = value;
        Array.Clear(_known);
        Cycle++;
    }

    /// <summary>The settled value of a signal, computing its combinational cone with an explicit stack (cones can be deep).</summary>
    private BigInteger Value(RtlSignal signal)
    {
        int root = _index[signal];
        if (IsSettled(signal, root)) return _values[root];
        var stack = new List<RtlSignal> { signal };
        var onStack = new HashSet<RtlSignal> { signal };
        while (stack.Count > 0)
        {
            var top = stack[^1];
            var cell = Netlist.DriverOf(top)!;
            var pending = cell.Inputs.FirstOrDefault(i => !IsSettled(i, _index[i]));
            if (pending is not null)
            {
                if (!onStack.Add(pending))
                    throw new UserError($"module {Module.Name}: combinational loop through {string.Join(" -> ", stack.SkipWhile(s => s != pending).Select(s => s.Name))} -> {pending.Name}");
                stack.Add(pending);
                continue;
            }
            int index = _index[top];
            _values[index] = CellSemantics.Evaluate(cell, cell.Inputs.Select(i => _values[_index[i]]).ToList());
            _known[index] = true;
            stack.RemoveAt(stack.Count - 1);
            onStack.Remove(top);
        }
        return _values[root];
    }

    /// <summary>Inputs, state and undriven wires (which read as 0) never need computing.</summary>
    private bool IsSettled(RtlSignal signal, int index) =>
        _known[index] || signal.Kind == SignalKind.Input || Netlist.IsState(signal) || Netlist.DriverOf(signal) is null;
}
