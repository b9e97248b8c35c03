using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Rtl;

public enum SignalKind
{
    Input,
    Output,
    Wire,
}

/// <summary>A named bit vector in a module. Every signal has exactly one driver (a port, cell, register, memory read port or instance output).</summary>
public sealed class RtlSignal(string name, int width, SignalKind kind)
{
    public string Name { get; } = name;
    public int Width { get; } = width > 0 ? width : throw new ArgumentOutOfRangeException(nameof(width), $"signal {name} needs a positive width");
    public SignalKind Kind { get; } = kind;

    public override string ToString() => $"{Name}:{Width}";
}

/// <summary>A combinational cell driving <see cref="Output"/>.</summary>
public sealed record RtlCell(RtlOp Op, RtlSignal Output, IReadOnlyList<RtlSignal> Inputs, BigInteger Value = default, int Amount = 0);

/// <summary>
/// A flip-flop vector on the module's single clock (rising edge). With <see cref="Reset"/> it
/// loads <see cref="ResetValue"/> when reset is high (synchronous, reset wins over enable);
/// without, <see cref="ResetValue"/> is its power-on value. With <see cref="Enable"/> low it holds.
/// </summary>
public sealed record RtlRegister(RtlSignal Q, RtlSignal D, RtlSignal? Enable, RtlSignal? Reset, BigInteger ResetValue);

/// <summary>A synchronous read port: on the clock edge, when Enable (if any) is high, Data takes Memory[Address].</summary>
public sealed record RtlReadPort(RtlSignal Address, RtlSignal Data, RtlSignal? Enable);

/// <summary>A synchronous write port: on the clock edge, when Enable is high, Memory[Address] takes Data.</summary>
public sealed record RtlWritePort(RtlSignal Address, RtlSignal Data, RtlSignal Enable);

/// <summary>
/// Where synthesis should put a memory. It changes no behaviour (the simulator ignores it); the
/// emitter writes it as the rom_style / ram_style attribute yosys and the vendor tools read.
/// </summary>
public enum MemoryStyle
{
    /// <summary>The synthesis tool decides (yosys keeps small ROMs in LUT logic).</summary>
    Auto,

    /// <summary>Block RAM (iCE40 SB_RAM40_4K, 7-series RAMB18/RAMB36).</summary>
    Block,

    /// <summary>LUTs and flip-flops: for tables too small to be worth a block RAM.</summary>
    Logic,
}

/// <summary>
/// A memory of Depth words of Width bits, initialised from <see cref="Init"/> (zeros when null).
/// Without write ports it is a ROM. Read data is registered, so a read issued on one edge is
/// visible after it; a read and a write to the same word on one edge return the old word.
/// </summary>
public sealed record RtlMemory(string Name, int Width, int Depth, IReadOnlyList<BigInteger>? Init,
    IReadOnlyList<RtlReadPort> ReadPorts, IReadOnlyList<RtlWritePort> WritePorts)
{
    public int AddressWidth => BitWidth.ToIndex(Depth);

    public MemoryStyle Style { get; init; } = MemoryStyle.Auto;

    /// <summary>
    /// The generator guarantees that a read whose data is used never addresses the word written
    /// on the same edge (a ping-pong buffer reads the bank that is not being filled). Behaviour is
    /// unchanged (simulators still return the old word); synthesis may leave out the collision
    /// bypass (yosys `no_rw_check`: on iCE40 a register and a multiplexer per data bit).
    /// </summary>
    public bool ReadsNeverCollide { get; init; }
}

/// <summary>An instance of another module; Connections map the child's port names to this module's signals.</summary>
public sealed record RtlInstance(string Name, string Module, IReadOnlyDictionary<string, RtlSignal> Connections);

/// <summary>
/// One hardware module. Every module has the clock input "clk"; reset, when used, is the input
/// "rst". The lists are in creation order, which the printer and emitter keep, so output is
/// deterministic.
/// </summary>
public sealed class RtlModule(string name, IReadOnlyList<RtlSignal> ports, IReadOnlyList<RtlSignal> wires,
    IReadOnlyList<RtlCell> cells, IReadOnlyList<RtlRegister> registers, IReadOnlyList<RtlMemory> memories,
    IReadOnlyList<RtlInstance> instances)
{
    public const string Clock = "clk";
    public const string ResetPort = "rst";

    // Copies: a module never changes once made (the checker relies on it to check a design once).
    public string Name { get; } = name;
    public IReadOnlyList<RtlSignal> Ports { get; } = [.. ports];
    public IReadOnlyList<RtlSignal> Wires { get; } = [.. wires];
    public IReadOnlyList<RtlCell> Cells { get; } = [.. cells];
    public IReadOnlyList<RtlRegister> Registers { get; } = [.. registers];
    public IReadOnlyList<RtlMemory> Memories { get; } = [.. memories];
    public IReadOnlyList<RtlInstance> Instances { get; } = [.. instances];

    public IEnumerable<RtlSignal> Inputs => Ports.Where(p => p.Kind == SignalKind.Input);
    public IEnumerable<RtlSignal> Outputs => Ports.Where(p => p.Kind == SignalKind.Output);
    public RtlSignal Port(string portName) => Ports.FirstOrDefault(p => p.Name == portName)
        ?? throw new KeyNotFoundException($"module {Name} has no port {portName}");
}

/// <summary>A whole design: modules (children before parents) and the name of the top module.</summary>
public sealed class RtlDesign(IReadOnlyList<RtlModule> modules, string top)
{
    public IReadOnlyList<RtlModule> Modules { get; } = [.. modules];
    public string Top { get; } = top;
    public RtlModule TopModule => Module(Top);
    public RtlModule Module(string name) => Modules.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"the design has no module {name}");
}
