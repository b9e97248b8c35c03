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
        var readers = new Dictionary<RtlSignal, List<Action>>();
        var work = new Queue<RtlSignal>(_varying);
        void Mark(RtlSignal s)
        {
            if (_varying.Add(s)) work.Enqueue(s);
        }
        void OnChange(RtlSignal s, Action a)
        {
            if (!readers.TryGetValue(s, out var list)) readers[s] = list = [];
            list.Add(a);
        }
        foreach (var cell in module.Cells)
            foreach (var input in cell.Inputs) OnChange(input, () => Mark(cell.Output));
        foreach (var r in module.Registers)
            foreach (var s in new[] { r.D, r.Enable, r.Reset }.OfType<RtlSignal>()) OnChange(s, () => Mark(r.Q));
        foreach (var m in module.Memories)
        {
            void MemoryVaries()
            {
                if (!_varyingMemories.Add(m)) return;
                foreach (var p in m.ReadPorts) Mark(p.Data);
            }
            foreach (var p in m.WritePorts)
                foreach (var s in new[] { p.Address, p.Data, p.Enable }) OnChange(s, MemoryVaries);
            foreach (var p in m.ReadPorts)
                foreach (var s in new[] { p.Address, p.Enable }.OfType<RtlSignal>()) OnChange(s, () => Mark(p.Data));
        }
        while (work.Count > 0)
        {
            var s = work.Dequeue();
            if (readers.TryGetValue(s, out var list))
                foreach (var action in list) action();
        }
    }

    public bool IsVarying(RtlSignal signal) => _varying.Contains(signal);

    public bool IsVarying(RtlMemory memory) => _varyingMemories.Contains(memory);

    public int VaryingCount => _varying.Count;
}
