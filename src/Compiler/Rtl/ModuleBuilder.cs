using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Rtl;

/// <summary>
/// Builds an <see cref="RtlModule"/>. Each helper creates a cell and returns the signal it
/// drives, so generators read like expressions. Width rules are enforced as cells are made; a
/// violation is a generator bug and throws <see cref="InvalidOperationException"/>.
/// </summary>
public sealed class ModuleBuilder
{
    private readonly List<RtlSignal> _ports = [];
    private readonly List<RtlSignal> _wires = [];
    private readonly List<RtlCell> _cells = [];
    private readonly List<RtlMemory> _memories = [];
    private readonly List<RtlInstance> _instances = [];
    private readonly List<PendingRegister> _registers = [];
    private readonly Dictionary<RtlSignal, PendingRegister> _registerByQ = [];
    private readonly HashSet<string> _names = [];
    private readonly Dictionary<string, int> _counters = [];

    public ModuleBuilder(string name, bool withReset = true)
    {
        Name = name;
        Clock = Input(RtlModule.Clock, 1);
        if (withReset) Reset = Input(RtlModule.ResetPort, 1);
    }

    public string Name { get; }
    public RtlSignal Clock { get; }
    public RtlSignal? Reset { get; }

    public RtlSignal Input(string name, int width) => Add(_ports, new RtlSignal(Claim(name), width, SignalKind.Input));

    /// <summary>Declares an output port; drive it with <see cref="Assign"/>, a register or an instance.</summary>
    public RtlSignal Output(string name, int width) => Add(_ports, new RtlSignal(Claim(name), width, SignalKind.Output));

    /// <summary>Declares an undriven wire (driven later by <see cref="Assign"/> or an instance output).</summary>
    public RtlSignal Wire(string name, int width) => Add(_wires, new RtlSignal(Claim(name), width, SignalKind.Wire));

    /// <summary>A fresh wire named prefix_N.</summary>
    public RtlSignal Fresh(string prefix, int width) => Wire(Unique(prefix), width);

    public void Assign(RtlSignal target, RtlSignal source)
    {
        SameWidth(target, source);
        _cells.Add(new RtlCell(RtlOp.Buffer, target, [source]));
    }

    public RtlSignal Const(BigInteger value, int width, string prefix = "k")
    {
        if (value.Sign < 0) value += BigInteger.One << width; // two's complement
        if (value.Sign < 0 || value >= (BigInteger.One << width))
            throw new InvalidOperationException($"constant {value} does not fit {width} bits");
        return Cell(RtlOp.Const, prefix, width, [], value);
    }

    public RtlSignal Not(RtlSignal a) => Cell(RtlOp.Not, "not", a.Width, [a]);
    public RtlSignal And(RtlSignal a, RtlSignal b) => Binary(RtlOp.And, "and", a, b);
    public RtlSignal Or(RtlSignal a, RtlSignal b) => Binary(RtlOp.Or, "or", a, b);
    public RtlSignal Xor(RtlSignal a, RtlSignal b) => Binary(RtlOp.Xor, "xor", a, b);
    public RtlSignal Add(RtlSignal a, RtlSignal b) => Binary(RtlOp.Add, "add", a, b);
    public RtlSignal Sub(RtlSignal a, RtlSignal b) => Binary(RtlOp.Sub, "sub", a, b);

    public RtlSignal Compare(RtlOp op, RtlSignal a, RtlSignal b)
    {
        if (op is not (RtlOp.Eq or RtlOp.Ne or RtlOp.LtU or RtlOp.LtS or RtlOp.LeU or RtlOp.LeS))
            throw new InvalidOperationException($"{op} is not a comparison");
        SameWidth(a, b);
        return Cell(op, op.ToString().ToLowerInvariant(), 1, [a, b]);
    }

    public RtlSignal Mux(RtlSignal select, RtlSignal whenTrue, RtlSignal whenFalse)
    {
        if (select.Width != 1) throw new InvalidOperationException($"mux select {select} must be 1 bit");
        SameWidth(whenTrue, whenFalse);
        return Cell(RtlOp.Mux, "mux", whenTrue.Width, [select, whenTrue, whenFalse]);
    }

    /// <summary>Concatenation, most significant part first.</summary>
    public RtlSignal Concat(params RtlSignal[] parts) => parts.Length == 1 ? parts[0] : Cell(RtlOp.Concat, "cat", parts.Sum(p => p.Width), parts);

    public RtlSignal Slice(RtlSignal a, int low, int width)
    {
        if (low < 0 || width < 1 || low + width > a.Width) throw new InvalidOperationException($"slice [{low + width - 1}:{low}] outside {a}");
        return low == 0 && width == a.Width ? a : Cell(RtlOp.Slice, "slice", width, [a], amount: low);
    }

    public RtlSignal Bit(RtlSignal a, int index) => Slice(a, index, 1);

    public RtlSignal ZeroExtend(RtlSignal a, int width) => Extend(RtlOp.ZeroExt, a, width);
    public RtlSignal SignExtend(RtlSignal a, int width) => Extend(RtlOp.SignExt, a, width);

    /// <summary>Zero- or sign-extends, or truncates (keeping the low bits), to <paramref name="width"/>.</summary>
    public RtlSignal Resize(RtlSignal a, int width, bool signed) =>
        width == a.Width ? a : width < a.Width ? Slice(a, 0, width) : Extend(signed ? RtlOp.SignExt : RtlOp.ZeroExt, a, width);

    public RtlSignal ShiftLeft(RtlSignal a, int amount) => ConstShift(RtlOp.ShlConst, "shl", a, amount);
    public RtlSignal ShiftRightLogical(RtlSignal a, int amount) => ConstShift(RtlOp.ShrConst, "shr", a, amount);
    public RtlSignal ShiftRightArithmetic(RtlSignal a, int amount) => ConstShift(RtlOp.SarConst, "sar", a, amount);

    /// <summary>A barrel shift of <paramref name="a"/> by the unsigned value of <paramref name="amount"/>.</summary>
    public RtlSignal Shift(RtlOp op, RtlSignal a, RtlSignal amount)
    {
        if (op is not (RtlOp.Shl or RtlOp.Shr or RtlOp.Sar)) throw new InvalidOperationException($"{op} is not a variable shift");
        return Cell(op, op.ToString().ToLowerInvariant(), a.Width, [a, amount]);
    }

    public RtlSignal Popcount(RtlSignal a)
    {
        return Cell(RtlOp.Popcount, "pop", BitWidth.ToHold(a.Width), [a]);
    }

    public RtlSignal ReduceOr(RtlSignal a) => Cell(RtlOp.ReduceOr, "any", 1, [a]);
    public RtlSignal ReduceAnd(RtlSignal a) => Cell(RtlOp.ReduceAnd, "all", 1, [a]);

    /// <summary>Declares a register; its Q is usable at once; connect its next value with <see cref="Next"/>.</summary>
    public RtlSignal Register(string name, int width, BigInteger resetValue = default, bool useReset = true)
    {
        var q = Wire(Unique(name), width);
        var pending = new PendingRegister(q, resetValue, useReset ? Reset ?? throw new InvalidOperationException($"module {Name} has no reset") : null);
        _registers.Add(pending);
        _registerByQ.Add(q, pending);
        return q;
    }

    public void Next(RtlSignal register, RtlSignal d, RtlSignal? enable = null)
    {
        var pending = _registerByQ.GetValueOrDefault(register) ?? throw new InvalidOperationException($"{register} is not a register");
        if (pending.D is not null) throw new InvalidOperationException($"register {register} already has a next value");
        SameWidth(register, d);
        if (enable is { Width: not 1 }) throw new InvalidOperationException($"enable {enable} must be 1 bit");
        pending.D = d;
        pending.Enable = enable;
    }

    /// <summary>A ROM with synchronous read: returns the registered data signal.</summary>
    public RtlSignal Rom(string name, int width, IReadOnlyList<BigInteger> contents, RtlSignal address, RtlSignal? enable = null, MemoryStyle style = MemoryStyle.Auto)
    {
        var memoryName = Claim(Unique(name)); // the memory shares the module's name space with signals
        var data = Wire(memoryName + "_q", width);
        _memories.Add(new RtlMemory(memoryName, width, contents.Count, contents, [new RtlReadPort(address, data, enable)], []) { Style = style });
        return data;
    }

    /// <summary>A RAM with one write and one synchronous read port (for FIFOs); returns the read data.</summary>
    public RtlSignal Ram(string name, int width, int depth, RtlSignal readAddress, RtlSignal? readEnable,
        RtlSignal writeAddress, RtlSignal writeData, RtlSignal writeEnable, MemoryStyle style = MemoryStyle.Auto, bool readsNeverCollide = false)
    {
        var memoryName = Claim(Unique(name)); // the memory shares the module's name space with signals
        var data = Wire(memoryName + "_q", width);
        _memories.Add(new RtlMemory(memoryName, width, depth, null,
            [new RtlReadPort(readAddress, data, readEnable)], [new RtlWritePort(writeAddress, writeData, writeEnable)]) { Style = style, ReadsNeverCollide = readsNeverCollide });
        return data;
    }

    /// <summary>Instantiates <paramref name="child"/>; inputs are connected to the given signals, outputs get fresh wires.</summary>
    public IReadOnlyDictionary<string, RtlSignal> Instantiate(RtlModule child, string instanceName, IReadOnlyDictionary<string, RtlSignal> inputs)
    {
        var connections = new Dictionary<string, RtlSignal>();
        foreach (var port in child.Ports)
        {
            if (port.Kind == SignalKind.Input)
            {
                RtlSignal source = port.Name switch
                {
                    RtlModule.Clock when !inputs.ContainsKey(port.Name) => Clock,
                    RtlModule.ResetPort when !inputs.ContainsKey(port.Name) => Reset ?? throw new InvalidOperationException($"module {Name} has no reset for {instanceName}"),
                    _ => inputs.TryGetValue(port.Name, out var s) ? s : throw new InvalidOperationException($"instance {instanceName} of {child.Name}: input {port.Name} is not connected"),
                };
                SameWidth(port, source);
                connections[port.Name] = source;
            }
            else
            {
                connections[port.Name] = Wire($"{instanceName}_{port.Name}", port.Width);
            }
        }
        var unknown = inputs.Keys.Where(k => child.Ports.All(p => p.Name != k)).ToList();
        if (unknown.Count > 0) throw new InvalidOperationException($"instance {instanceName}: {child.Name} has no port {string.Join(", ", unknown)}");
        _instances.Add(new RtlInstance(Claim(instanceName), child.Name, connections));
        return connections;
    }

    public RtlModule Build()
    {
        var unconnected = _registers.Where(r => r.D is null).Select(r => r.Q.Name).ToList();
        if (unconnected.Count > 0) throw new InvalidOperationException($"module {Name}: registers without a next value: {string.Join(", ", unconnected)}");
        var registers = _registers.Select(r => new RtlRegister(r.Q, r.D!, r.Enable, r.Reset, r.ResetValue)).ToList();
        return new RtlModule(Name, _ports, _wires, _cells, registers, _memories, _instances);
    }

    /// <summary>A name not used yet in this module: prefix_0, prefix_1, ...</summary>
    public string Unique(string prefix)
    {
        int n = _counters.GetValueOrDefault(prefix);
        string name;
        do name = $"{prefix}_{n++}"; while (_names.Contains(name));
        _counters[prefix] = n;
        return name;
    }

    private RtlSignal Cell(RtlOp op, string prefix, int width, RtlSignal[] inputs, BigInteger value = default, int amount = 0)
    {
        var output = Fresh(prefix, width);
        _cells.Add(new RtlCell(op, output, inputs, value, amount));
        return output;
    }

    private RtlSignal Binary(RtlOp op, string prefix, RtlSignal a, RtlSignal b)
    {
        SameWidth(a, b);
        return Cell(op, prefix, a.Width, [a, b]);
    }

    private RtlSignal Extend(RtlOp op, RtlSignal a, int width)
    {
        if (width < a.Width) throw new InvalidOperationException($"cannot extend {a} to {width} bits");
        return width == a.Width ? a : Cell(op, op == RtlOp.SignExt ? "sext" : "zext", width, [a]);
    }

    private RtlSignal ConstShift(RtlOp op, string prefix, RtlSignal a, int amount)
    {
        if (amount < 0) throw new InvalidOperationException("negative shift");
        return amount == 0 ? a : Cell(op, prefix, a.Width, [a], amount: amount);
    }

    private static void SameWidth(RtlSignal a, RtlSignal b)
    {
        if (a.Width != b.Width) throw new InvalidOperationException($"width mismatch: {a} vs {b}");
    }

    private string Claim(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"module {Name}: the name {name} is used twice");
        return name;
    }

    private static RtlSignal Add(List<RtlSignal> list, RtlSignal signal)
    {
        list.Add(signal);
        return signal;
    }

    private sealed class PendingRegister(RtlSignal q, BigInteger resetValue, RtlSignal? reset)
    {
        public RtlSignal Q { get; } = q;
        public BigInteger ResetValue { get; } = resetValue;
        public RtlSignal? Reset { get; } = reset;
        public RtlSignal? D { get; set; }
        public RtlSignal? Enable { get; set; }
    }
}
