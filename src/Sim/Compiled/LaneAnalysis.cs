using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Which values may differ between lanes of a multi-lane simulation: the lane inputs, and
/// everything computed from them through cells, registers (data, enable or reset) and memories
/// (a memory written with a varying address, data or enable holds varying words; a read with a
/// varying address or from such a memory gives varying data). Everything else is the same in
/// every lane and is simulated once. In a dataflow design driven by one stimulus timing, only
/// the datapath varies: control (valid, ready, counters, addresses) is shared.
/// </summary>
public sealed class LaneAnalysis
{
    private readonly HashSet<RtlSignal> _varying = [];
    private readonly HashSet<RtlMemory> _varyingMemories = [];

    public LaneAnalysis(Netlist netlist, IEnumerable<RtlSignal> laneInputs)
    {
        var module = netlist.Module;
        foreach (var input in laneInputs)
        {
            if (input.Kind != SignalKind.Input) throw new ArgumentException($"{input.Name} is not an input of {module.Name}");
            _varying.Add(input);
        }
        // Who a value reaches, as plain lists (no closure per cell input: this runs before every lane simulation).
        var reaches = new Dictionary<RtlSignal, List<RtlSignal>>();
        var writesInto = new Dictionary<RtlSignal, List<RtlMemory>>();
        void Add<T>(Dictionary<RtlSignal, List<T>> map, RtlSignal from, T to)
        {
            if (!map.TryGetValue(from, out var list)) map[from] = list = [];
            list.Add(to);
        }
        foreach (var cell in module.Cells)
            foreach (var input in cell.Inputs) Add(reaches, input, cell.Output);
        foreach (var r in module.Registers)
        {
            Add(reaches, r.D, r.Q);
            if (r.Enable is { } enable) Add(reaches, enable, r.Q);
            if (r.Reset is { } reset) Add(reaches, reset, r.Q);
        }
        foreach (var m in module.Memories)
        {
            foreach (var p in m.WritePorts)
            {
                Add(writesInto, p.Address, m);
                Add(writesInto, p.Data, m);
                Add(writesInto, p.Enable, m);
            }
            foreach (var p in m.ReadPorts)
            {
                Add(reaches, p.Address, p.Data);
                if (p.Enable is { } enable) Add(reaches, enable, p.Data);
            }
        }
        var work = new Queue<RtlSignal>(_varying);
        while (work.Count > 0)
        {
            var s = work.Dequeue();
            if (reaches.TryGetValue(s, out var targets))
                foreach (var target in targets)
                    if (_varying.Add(target)) work.Enqueue(target);
            if (writesInto.TryGetValue(s, out var memories))
                foreach (var m in memories)
                    if (_varyingMemories.Add(m))
                        foreach (var p in m.ReadPorts)
                            if (_varying.Add(p.Data)) work.Enqueue(p.Data);
        }
    }

    public bool IsVarying(RtlSignal signal) => _varying.Contains(signal);

    public bool IsVarying(RtlMemory memory) => _varyingMemories.Contains(memory);

    public int VaryingCount => _varying.Count;
}
