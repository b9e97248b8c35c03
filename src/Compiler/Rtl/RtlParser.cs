// The canonical text form of the RTL IR (what RtlPrinter writes, what this reads):
//
//   file       := "hwflow-rtl" "1"  "top" NAME  module*
//   module     := "module" NAME  item*  "end"
//   item       := port | wire | cell | register | memory | instance
//   port       := ("input" | "output") NAME ":" WIDTH
//   wire       := "wire" NAME ":" WIDTH
//   cell       := NAME "=" OP [ARG ("," ARG)*]
//                   OP: const buf not and or xor add sub eq ne ltu lts leu les mux concat slice
//                       zext sext shl shr sar popcount reduce-or reduce-and
//                   ARG: a signal; "const" takes one 0x.. value; "slice" ends with its low bit;
//                   shl/shr/sar by a decimal number shift by a constant, by a signal a barrel shift
//   register   := "reg" Q "<=" D ["enable" E] ("reset" R "to" 0xVALUE | "init" 0xVALUE)
//   memory     := "memory" NAME ":" WIDTH "x" DEPTH ["style" ("block" | "logic")]  read*  write*  init*  "end"
//   read       := "read" DATA "addr" ADDRESS ["enable" E]
//   write      := "write" "addr" ADDRESS "data" DATA "enable" E
//   init       := "init" HEXWORD*            (words in address order, over any number of lines)
//   instance   := "instance" NAME "of" MODULE  (PORT "=" SIGNAL)*  "end"
//
// One statement per line; '#' starts a comment; indentation and blank lines carry no meaning.
// Signals are declared (port or wire) before they are used. The parser checks syntax and
// names only; RtlChecker judges widths, drivers, loops and the rest.

using System.Numerics;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Rtl;

/// <summary>Reads the canonical RTL text (grammar at the top of this file). Syntax errors are <see cref="UserError"/>s at file:line:column.</summary>
public sealed class RtlParser
{
    private readonly string _file;
    private readonly RtlTextLine[] _lines;
    private int _next;

    private RtlParser(string text, string file)
    {
        _file = file;
        _lines = [.. text.Split('\n').Select((line, i) => RtlTextLine.Split(file, i + 1, line)).Where(l => !l.IsBlank)];
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names it in error messages.</summary>
    public static RtlDesign Parse(string text, string file) => new RtlParser(text, file).Design();

    /// <summary>Reads a design file and checks it; any problem is a <see cref="UserError"/> naming the file.</summary>
    public static RtlDesign ReadFile(string path)
    {
        if (!File.Exists(path)) throw UserError.In(path, "no such RTL file");
        var design = Parse(HwFlow.Runtime.IO.InputFile.ReadAllText(path), path);
        var problems = RtlChecker.Check(design);
        if (problems.Count > 0) throw UserError.In(path, problems[0] + (problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : ""));
        return design;
    }

    private RtlDesign Design()
    {
        var header = Line("the header");
        if (header.Peek() != "hwflow-rtl" || header.Peek(1) != "1" || header.Peek(2) is not null)
            throw UserError.At(_file, header.Number, 1, $"expected the header '{RtlTextSyntax.Header}'");
        var top = Line("'top NAME'");
        top.Keyword("top");
        var topName = top.Name("the top module's name");
        top.End();
        var modules = new List<RtlModule>();
        while (_next < _lines.Length) modules.Add(Module());
        return new RtlDesign(modules, topName);
    }

    private RtlTextLine Line(string what)
    {
        if (_next >= _lines.Length)
        {
            int last = _lines.Length > 0 ? _lines[^1].Number + 1 : 1;
            throw UserError.At(_file, last, 1, $"expected {what} before the end of the file");
        }
        return _lines[_next++];
    }

    private RtlModule Module()
    {
        var line = Line("a module");
        line.Keyword("module");
        var module = new ModuleParts(line.Name("a module name"));
        line.End();
        while (true)
        {
            line = Line($"'end' of module {module.Name}");
            if (line.TryKeyword("end")) { line.End(); break; }
            Item(line, module);
        }
        return new RtlModule(module.Name, module.Ports, module.Wires, module.Cells, module.Registers, module.Memories, module.Instances);
    }

    private void Item(RtlTextLine line, ModuleParts module)
    {
        if (line.Peek(1) == "=") { module.Cells.Add(Cell(line, module)); return; }
        switch (line.Word("a statement"))
        {
            case "input": module.Ports.Add(Declare(line, module, SignalKind.Input)); break;
            case "output": module.Ports.Add(Declare(line, module, SignalKind.Output)); break;
            case "wire": module.Wires.Add(Declare(line, module, SignalKind.Wire)); break;
            case "reg": module.Registers.Add(Register(line, module)); break;
            case "memory": module.Memories.Add(Memory(line, module)); break;
            case "instance": module.Instances.Add(Instance(line, module)); break;
            case var other: throw UserError.At(_file, line.Number, 1, $"unknown statement '{other}' in module {module.Name} (expected input, output, wire, reg, memory, instance, NAME = OP ... or end)");
        }
    }

    private RtlSignal Declare(RtlTextLine line, ModuleParts module, SignalKind kind)
    {
        int column = line.Column;
        var name = line.Name("a signal name");
        line.Keyword(":");
        int width = line.Integer("a width (a positive integer)", 1);
        line.End();
        var signal = new RtlSignal(name, width, kind);
        if (!module.Signals.TryAdd(name, signal)) throw UserError.At(_file, line.Number, column, $"signal {name} is declared twice in module {module.Name}");
        return signal;
    }

    private RtlCell Cell(RtlTextLine line, ModuleParts module)
    {
        var output = Signal(line, module);
        line.Keyword("=");
        int opColumn = line.Column;
        var word = line.Word("a cell operation");
        var ops = RtlTextSyntax.Ops(word);
        if (ops.Count == 0) throw UserError.At(_file, line.Number, opColumn, $"unknown cell operation '{word}'");
        var op = ops[^1]; // for the shifts: the barrel shift, until a number says otherwise
        var inputs = new List<RtlSignal>();
        BigInteger value = default;
        int amount = 0;
        if (op == RtlOp.Const)
        {
            value = line.HexConstant("the constant's value");
        }
        else
        {
            while (!line.AtEnd)
            {
                if (inputs.Count > 0) line.Keyword(",");
                bool number = line.Peek() is { } next && char.IsAsciiDigit(next[0]);
                if (number && (op == RtlOp.Slice || RtlTextSyntax.ConstantShift(op) != op))
                {
                    op = RtlTextSyntax.ConstantShift(op);
                    amount = line.Integer("an amount (a non-negative integer)", 0);
                    break;
                }
                inputs.Add(Signal(line, module));
            }
        }
        line.End();
        return new RtlCell(op, output, inputs, value, amount);
    }

    private RtlRegister Register(RtlTextLine line, ModuleParts module)
    {
        var q = Signal(line, module);
        line.Keyword("<=");
        var d = Signal(line, module);
        RtlSignal? enable = line.TryKeyword("enable") ? Signal(line, module) : null;
        RtlSignal? reset = null;
        if (line.TryKeyword("reset"))
        {
            reset = Signal(line, module);
            line.Keyword("to");
        }
        else line.Keyword("init");
        var value = line.HexConstant(reset is null ? "the power-on value" : "the reset value");
        line.End();
        return new RtlRegister(q, d, enable, reset, value);
    }

    private RtlMemory Memory(RtlTextLine line, ModuleParts module)
    {
        var name = line.Name("a memory name");
        line.Keyword(":");
        int width = line.Integer("a word width (a positive integer)", 1);
        line.Keyword("x");
        int depth = line.Integer("a depth (a positive integer)", 1);
        var style = MemoryStyle.Auto;
        if (line.TryKeyword("style"))
        {
            int column = line.Column;
            var word = line.Word("a memory style (block or logic)");
            style = RtlTextSyntax.ParseStyle(word) ?? throw UserError.At(_file, line.Number, column, $"unknown memory style '{word}' (expected block or logic)");
        }
        bool readsNeverCollide = line.TryKeyword("no_rw_check");
        line.End();
        var reads = new List<RtlReadPort>();
        var writes = new List<RtlWritePort>();
        List<BigInteger>? init = null;
        while (true)
        {
            line = Line($"'end' of memory {name}");
            if (line.TryKeyword("end")) { line.End(); break; }
            switch (line.Word("read, write, init or end"))
            {
                case "read":
                    var data = Signal(line, module);
                    line.Keyword("addr");
                    var address = Signal(line, module);
                    reads.Add(new RtlReadPort(address, data, line.TryKeyword("enable") ? Signal(line, module) : null));
                    break;
                case "write":
                    line.Keyword("addr");
                    var writeAddress = Signal(line, module);
                    line.Keyword("data");
                    var writeData = Signal(line, module);
                    line.Keyword("enable");
                    writes.Add(new RtlWritePort(writeAddress, writeData, Signal(line, module)));
                    break;
                case "init":
                    init ??= [];
                    while (!line.AtEnd) init.Add(line.HexWord());
                    break;
                case var other:
                    throw UserError.At(_file, line.Number, 1, $"unknown memory statement '{other}' in memory {name} (expected read, write, init or end)");
            }
            line.End();
        }
        return new RtlMemory(name, width, depth, init, reads, writes) { Style = style, ReadsNeverCollide = readsNeverCollide };
    }

    private RtlInstance Instance(RtlTextLine line, ModuleParts module)
    {
        var name = line.Name("an instance name");
        line.Keyword("of");
        var child = line.Name("a module name");
        line.End();
        var connections = new Dictionary<string, RtlSignal>();
        while (true)
        {
            line = Line($"'end' of instance {name}");
            if (line.TryKeyword("end")) { line.End(); break; }
            int column = line.Column;
            var port = line.Name("a port name");
            line.Keyword("=");
            var signal = Signal(line, module);
            line.End();
            if (!connections.TryAdd(port, signal)) throw UserError.At(_file, line.Number, column, $"port {port} of instance {name} is connected twice");
        }
        return new RtlInstance(name, child, connections);
    }

    private RtlSignal Signal(RtlTextLine line, ModuleParts module)
    {
        int column = line.Column;
        var name = line.Name("a signal name");
        return module.Signals.TryGetValue(name, out var signal)
            ? signal
            : throw UserError.At(_file, line.Number, column, $"unknown signal {name} in module {module.Name} (declare it first with 'wire {name} : WIDTH')");
    }

    private sealed class ModuleParts(string name)
    {
        public string Name { get; } = name;
        public Dictionary<string, RtlSignal> Signals { get; } = [];
        public List<RtlSignal> Ports { get; } = [];
        public List<RtlSignal> Wires { get; } = [];
        public List<RtlCell> Cells { get; } = [];
        public List<RtlRegister> Registers { get; } = [];
        public List<RtlMemory> Memories { get; } = [];
        public List<RtlInstance> Instances { get; } = [];
    }
}
