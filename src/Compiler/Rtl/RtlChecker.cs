using System.Numerics;
using System.Runtime.CompilerServices;

namespace HwFlow.Compiler.Rtl;

/// <summary>A design that breaks an RTL IR rule; coming from a generator it is a compiler bug.</summary>
public sealed class RtlCheckException(IReadOnlyList<string> problems)
    : InvalidOperationException("invalid RTL: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Checks that a design is well formed, so the emitter and the simulator can take it as given:
/// legal unique names, one driver per signal, the width rule of every cell, registers, memories
/// (address width, init size), instances (known child defined first, every port connected once,
/// widths), and no combinational loop, including loops that pass through child modules. Every
/// message starts with the module and where it sits in the hierarchy.
/// </summary>
public static class RtlChecker
{
    // Designs and modules never change once made, so a design that passed stays well formed:
    // the generator checks it, and the emitter and the simulator need not check it again.
    private static readonly ConditionalWeakTable<RtlDesign, object> WellFormed = [];

    /// <summary>Every problem found, in a deterministic order; empty when the design is well formed.</summary>
    public static IReadOnlyList<string> Check(RtlDesign design)
    {
        if (WellFormed.TryGetValue(design, out _)) return [];
        var problems = new List<string>();
        var paths = HierarchyPaths(design);
        var seen = new Dictionary<string, RtlModule>(StringComparer.OrdinalIgnoreCase);
        var childPaths = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>>();
        foreach (var module in design.Modules)
        {
            string where = paths.TryGetValue(module.Name, out var path) && path != module.Name ? $"module {module.Name} ({path})" : $"module {module.Name}";
            if (RtlNames.Problem(module.Name) is { } nameProblem) problems.Add($"{where}: {nameProblem}");
            if (seen.TryGetValue(module.Name, out var earlier))
            {
                problems.Add(earlier.Name == module.Name ? $"{where}: defined twice" : $"{where}: its file name would clash with module {earlier.Name}");
                continue;
            }
            var found = new ModuleCheck(module, seen).Run();
            problems.AddRange(found.Select(p => $"{where}: {p}"));
            var graph = new RtlCombinationalGraph(module, childPaths);
            if (graph.FindLoop() is { } loop) problems.Add($"{where}: combinational loop: {loop}");
            childPaths[module.Name] = graph.PortPaths();
            seen[module.Name] = module;
        }
        if (design.Modules.All(m => m.Name != design.Top)) problems.Add($"the top module {design.Top} is not in the design");
        if (problems.Count == 0) WellFormed.TryAdd(design, design);
        return problems;
    }

    /// <summary>Throws <see cref="RtlCheckException"/> listing every problem; for designs made by generators.</summary>
    public static void Ensure(RtlDesign design)
    {
        var problems = Check(design);
        if (problems.Count > 0) throw new RtlCheckException(problems);
    }

    /// <summary>The first instance path (top.u0.u1) that reaches each module, in declaration order.</summary>
    private static Dictionary<string, string> HierarchyPaths(RtlDesign design)
    {
        var byName = design.Modules.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First());
        var paths = new Dictionary<string, string>();
        var work = new Queue<(string Module, string Path)>([(design.Top, design.Top)]);
        while (work.Count > 0)
        {
            var (name, path) = work.Dequeue();
            if (!byName.TryGetValue(name, out var module) || !paths.TryAdd(name, path)) continue;
            foreach (var instance in module.Instances) work.Enqueue((instance.Module, $"{path}.{instance.Name}"));
        }
        return paths;
    }

    private sealed class ModuleCheck(RtlModule module, IReadOnlyDictionary<string, RtlModule> children)
    {
        private readonly List<string> _problems = [];
        private readonly HashSet<RtlSignal> _declared = [.. module.Ports.Concat(module.Wires)];
        // Driver sources (cell, register, memory read port, instance port, input port) are described only when reported.
        private readonly Dictionary<RtlSignal, object> _drivers = [];

        public List<string> Run()
        {
            Names();
            if (module.Ports.FirstOrDefault(p => p.Name == RtlModule.Clock) is not { Kind: SignalKind.Input, Width: 1 })
                _problems.Add($"needs a 1-bit input port {RtlModule.Clock}");
            foreach (var input in module.Inputs) Drive(input, input);
            foreach (var cell in module.Cells) Cell(cell);
            foreach (var register in module.Registers) Register(register);
            foreach (var memory in module.Memories) Memory(memory);
            foreach (var instance in module.Instances) Instance(instance);
            Drivers();
            return _problems;
        }

        private void Names()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var all = module.Ports.Select(p => ("port", p.Name)).Concat(module.Wires.Select(w => ("wire", w.Name)))
                .Concat(module.Memories.Select(m => ("memory", m.Name))).Concat(module.Instances.Select(i => ("instance", i.Name)));
            foreach (var (kind, name) in all)
            {
                if (RtlNames.Problem(name) is { } problem) _problems.Add($"{kind} {problem}");
                if (!names.Add(name)) _problems.Add($"the name {name} is used twice");
            }
        }

        private void Cell(RtlCell cell)
        {
            Use(cell.Inputs, cell);
            Use([cell.Output], cell);
            Drive(cell.Output, cell);
            if (RtlCellRules.Problem(cell) is { } problem) _problems.Add(problem);
        }

        private void Register(RtlRegister register)
        {
            string what = $"register {register.Q.Name}";
            Use([register.Q, register.D, .. Optional(register.Enable), .. Optional(register.Reset)], register);
            Drive(register.Q, register);
            if (register.D.Width != register.Q.Width) _problems.Add($"{what}: next value {register.D} differs in width from {register.Q}");
            if (register.Enable is { Width: not 1 } enable) _problems.Add($"{what}: enable {enable} must be 1 bit");
            if (register.Reset is { Width: not 1 } reset) _problems.Add($"{what}: reset {reset} must be 1 bit");
            if (!Fits(register.ResetValue, register.Q.Width))
                _problems.Add($"{what}: {(register.Reset is null ? "power-on" : "reset")} value 0x{RtlTextSyntax.Hex(register.ResetValue, register.Q.Width)} does not fit {register.Q.Width} bits");
        }

        private void Memory(RtlMemory memory)
        {
            string what = $"memory {memory.Name} ({memory.Width} x {memory.Depth})";
            if (memory.Width < 1 || memory.Depth < 1) { _problems.Add($"{what}: width and depth must be positive"); return; }
            if (memory.ReadPorts.Count == 0) _problems.Add($"{what}: has no read port");
            if (memory.WritePorts.Count > 1) _problems.Add($"{what}: has {memory.WritePorts.Count} write ports, at most 1 is supported");
            foreach (var read in memory.ReadPorts)
            {
                Use([read.Address, read.Data, .. Optional(read.Enable)], memory);
                Drive(read.Data, memory);
                Port("read", read.Address, read.Data, read.Enable);
            }
            foreach (var write in memory.WritePorts)
            {
                Use([write.Address, write.Data, write.Enable], memory);
                Port("write", write.Address, write.Data, write.Enable);
            }
            if (memory.Init is { } init)
            {
                if (init.Count != memory.Depth) _problems.Add($"{what}: init has {init.Count} words, expected {memory.Depth} (the depth)");
                int bad = init.ToList().FindIndex(v => !Fits(v, memory.Width));
                if (bad >= 0) _problems.Add($"{what}: init word {bad} (0x{RtlTextSyntax.Hex(init[bad], memory.Width)}) does not fit {memory.Width} bits");
            }

            void Port(string kind, RtlSignal address, RtlSignal data, RtlSignal? enable)
            {
                if (address.Width != memory.AddressWidth)
                    _problems.Add($"{what}: {kind} address {address} must be {memory.AddressWidth} bits (ceil(log2 {memory.Depth}), at least 1)");
                if (data.Width != memory.Width) _problems.Add($"{what}: {kind} data {data} must be {memory.Width} bits");
                if (enable is { Width: not 1 }) _problems.Add($"{what}: {kind} enable {enable} must be 1 bit");
            }
        }

        private void Instance(RtlInstance instance)
        {
            string what = $"instance {instance.Name} of {instance.Module}";
            Use(instance.Connections.Values, instance);
            if (!children.TryGetValue(instance.Module, out var child) || child.Name != instance.Module)
            {
                _problems.Add(instance.Module == module.Name
                    ? $"{what}: a module cannot contain itself"
                    : $"{what}: no module {instance.Module} is defined before {module.Name} (children come first)");
                return;
            }
            foreach (var port in child.Ports)
            {
                if (!instance.Connections.TryGetValue(port.Name, out var signal)) { _problems.Add($"{what}: port {port.Name} is not connected"); continue; }
                if (signal.Width != port.Width) _problems.Add($"{what}: port {port} is connected to {signal}");
                if (port.Kind == SignalKind.Output) Drive(signal, (instance, port.Name));
            }
            foreach (var unknown in instance.Connections.Keys.Where(k => child.Ports.All(p => p.Name != k)).Order(StringComparer.Ordinal))
                _problems.Add($"{what}: {child.Name} has no port {unknown}");
        }

        private void Drivers()
        {
            foreach (var signal in module.Ports.Concat(module.Wires))
            {
                var drivers = _drivers.GetValueOrDefault(signal);
                if (drivers is null) _problems.Add($"signal {signal} has no driver");
                else if (drivers is List<object> several)
                    _problems.Add($"signal {signal} has {several.Count} drivers: {string.Join(", ", several.Select(Describe))}");
            }
        }

        private void Drive(RtlSignal signal, object source)
        {
            if (!_drivers.TryGetValue(signal, out var existing)) _drivers[signal] = source;
            else if (existing is List<object> several) several.Add(source);
            else _drivers[signal] = new List<object> { existing, source };
        }

        private void Use(IEnumerable<RtlSignal> signals, object user)
        {
            foreach (var signal in signals)
                if (!_declared.Contains(signal))
                    _problems.Add($"{Describe(user)} uses {signal.Name}, which is not a port or wire of this module");
        }

        private static string Describe(object source) => source switch
        {
            RtlSignal => "the input port itself",
            RtlCell cell => $"cell {cell.Output.Name} ({RtlTextSyntax.Word(cell.Op)})",
            RtlRegister register => $"register {register.Q.Name}",
            RtlMemory memory => $"memory {memory.Name}",
            (RtlInstance instance, string port) => $"instance {instance.Name} of {instance.Module} port {port}",
            _ => source.ToString() ?? "",
        };

        private static IEnumerable<RtlSignal> Optional(RtlSignal? signal) => signal is null ? [] : [signal];

        private static bool Fits(BigInteger value, int width) => value.Sign >= 0 && value < BigInteger.One << width;
    }
}
