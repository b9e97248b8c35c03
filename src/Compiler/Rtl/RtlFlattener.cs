namespace HwFlow.Compiler.Rtl;

/// <summary>
/// Flattens a hierarchical <see cref="RtlDesign"/> into one module with no instances, so the
/// simulators (and checks that want a whole-design view) see a single netlist. The top module's
/// ports and signals keep their names; everything inside an instance is prefixed by its
/// instance path with '.' separators (<c>layer0.acc_3</c>, <c>layer0.fifo.mem_0</c>), which no
/// generated name contains, so flattened names cannot collide and VCD viewers can rebuild the
/// hierarchy from them. An instance's ports become wires joined to the parent's signals by
/// Buffer cells (simulators alias those away). The design has one clock: every instance's
/// "clk" must be connected to its parent's clock.
/// </summary>
public static class RtlFlattener
{
    public const char PathSeparator = '.';

    public static RtlModule Flatten(RtlDesign design)
    {
        var top = design.TopModule;
        if (top.Instances.Count == 0) return top;
        var sink = new Sink();
        var map = new Dictionary<RtlSignal, RtlSignal>();
        foreach (var port in top.Ports) map[port] = port;
        var topClock = top.Ports.FirstOrDefault(p => p.Name == RtlModule.Clock);
        Expand(design, top, "", map, topClock, sink, [top.Name]);
        return new RtlModule(top.Name, top.Ports, sink.Wires, sink.Cells, sink.Registers, sink.Memories, []);
    }

    private static void Expand(RtlDesign design, RtlModule module, string prefix, Dictionary<RtlSignal, RtlSignal> map,
        RtlSignal? clock, Sink sink, List<string> stack)
    {
        foreach (var wire in module.Wires) map[wire] = sink.AddWire(prefix + wire.Name, wire.Width);
        RtlSignal M(RtlSignal s) => map.TryGetValue(s, out var mapped) ? mapped
            : throw new InvalidOperationException($"module {module.Name}: signal {s.Name} is not declared in the module");
        RtlSignal? MaybeM(RtlSignal? s) => s is null ? null : M(s);

        foreach (var cell in module.Cells)
            sink.Cells.Add(cell with { Output = M(cell.Output), Inputs = cell.Inputs.Select(M).ToList() });
        foreach (var r in module.Registers)
            sink.Registers.Add(new RtlRegister(M(r.Q), M(r.D), MaybeM(r.Enable), MaybeM(r.Reset), r.ResetValue));
        foreach (var memory in module.Memories)
            sink.Memories.Add(memory with
            {
                Name = prefix + memory.Name,
                ReadPorts = memory.ReadPorts.Select(p => new RtlReadPort(M(p.Address), M(p.Data), MaybeM(p.Enable))).ToList(),
                WritePorts = memory.WritePorts.Select(p => new RtlWritePort(M(p.Address), M(p.Data), M(p.Enable))).ToList(),
            });

        foreach (var instance in module.Instances)
        {
            var child = design.Module(instance.Module);
            if (stack.Contains(child.Name))
                throw new InvalidOperationException($"module {child.Name} instantiates itself through {string.Join(" -> ", stack)} -> {child.Name}");
            string childPrefix = prefix + instance.Name + PathSeparator;
            var childMap = new Dictionary<RtlSignal, RtlSignal>();
            foreach (var port in child.Ports)
            {
                instance.Connections.TryGetValue(port.Name, out var outer);
                if (outer is not null && outer.Width != port.Width)
                    throw new InvalidOperationException($"instance {prefix}{instance.Name} of {child.Name}: port {port.Name} is {port.Width} bits but is connected to {outer}");
                if (port.Name == RtlModule.Clock && port.Kind == SignalKind.Input)
                {
                    if (outer is null || clock is null || M(outer) != clock)
                        throw new InvalidOperationException($"instance {prefix}{instance.Name} of {child.Name}: clk must be connected to the parent's clock (one clock per design)");
                    childMap[port] = clock;
                    continue;
                }
                var inner = sink.AddWire(childPrefix + port.Name, port.Width);
                childMap[port] = inner;
                if (port.Kind == SignalKind.Input)
                {
                    if (outer is null) throw new InvalidOperationException($"instance {prefix}{instance.Name} of {child.Name}: input {port.Name} is not connected");
                    sink.Cells.Add(new RtlCell(RtlOp.Buffer, inner, [M(outer)]));
                }
                else if (outer is not null)
                {
                    sink.Cells.Add(new RtlCell(RtlOp.Buffer, M(outer), [inner]));
                }
            }
            var unknown = instance.Connections.Keys.Where(k => child.Ports.All(p => p.Name != k)).ToList();
            if (unknown.Count > 0)
                throw new InvalidOperationException($"instance {prefix}{instance.Name}: {child.Name} has no port {string.Join(", ", unknown)}");
            stack.Add(child.Name);
            Expand(design, child, childPrefix, childMap, clock, sink, stack);
            stack.RemoveAt(stack.Count - 1);
        }
    }

    private sealed class Sink
    {
        private readonly HashSet<string> _names = [];
        public List<RtlSignal> Wires { get; } = [];
        public List<RtlCell> Cells { get; } = [];
        public List<RtlRegister> Registers { get; } = [];
        public List<RtlMemory> Memories { get; } = [];

        public RtlSignal AddWire(string name, int width)
        {
            if (!_names.Add(name)) throw new InvalidOperationException($"flattening produced the name {name} twice");
            var wire = new RtlSignal(name, width, SignalKind.Wire);
            Wires.Add(wire);
            return wire;
        }
    }
}
