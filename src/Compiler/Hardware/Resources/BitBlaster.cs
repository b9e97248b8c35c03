using System.Numerics;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>A flip-flop bit: Q is a source node of the graph; D, Enable (One when none) and Reset (Zero when none) are nodes.</summary>
public sealed class BitFlop(int q, short owner, bool init)
{
    public int Q { get; } = q;
    public short Owner { get; } = owner;
    public bool Init { get; } = init;
    public int D { get; set; }
    public int Enable { get; set; } = BitGraph.One;
    public int Reset { get; set; } = BitGraph.Zero;
}

/// <summary>
/// Turns a flattened module into a <see cref="BitGraph"/>: every cell into bit-level gates (adders
/// and ordered comparisons into carry chains, everything else into logic), registers and
/// memories left in logic into <see cref="BitFlop"/>s, memories in block RAM into source bits
/// whose ports must be kept (<see cref="Sinks"/>).
/// </summary>
public sealed partial class BitBlaster
{
    /// <summary>Kinds beyond the RTL cell kinds: logic a memory kept in LUTs builds.</summary>
    public const byte MemoryLogic = 100;

    /// <summary>The read multiplexer behind a block RAM memory deeper than one block holds.</summary>
    public const byte BlockRamCascade = 101;

    /// <summary>7 series: the read multiplexer behind an unmarked ROM deeper than one block (yosys packs it by its own cost, wider than <see cref="Cascade"/>'s shape).</summary>
    public const byte RomCascade = 104;

    /// <summary>yosys's read-first bypass beside a block RAM.</summary>
    public const byte BlockRamBypass = 102;

    /// <summary>An add of a tree (an operand is another add read by it alone), which yosys's alumacc merges into one $macc.</summary>
    public const byte AdderTree = 103;

    /// <summary>An add of a tree of at most <see cref="SmallTreeLeaves"/> operands (see <see cref="LutClass.SmallAdderTree"/>).</summary>
    public const byte SmallAdderTree = 105;

    /// <summary>The most operands a tree of <see cref="SmallAdderTree"/> adds has.</summary>
    public const int SmallTreeLeaves = 4;

    private readonly HashSet<RtlCell> _inTree = [];
    private readonly HashSet<RtlCell> _inSmallTree = [];

    private readonly RtlModule _module;
    private readonly LogicFabric _fabric;
    private readonly Dictionary<RtlSignal, RtlCell> _driver = [];
    private readonly Dictionary<RtlSignal, int[]> _bits = [];
    private readonly Dictionary<string, short> _owners = new() { [""] = 0 };

    public BitGraph Graph { get; } = new();
    public List<BitFlop> Flops { get; } = [];

    /// <summary>Nodes something outside the logic needs: output ports and block RAM ports, with their owner.</summary>
    public List<(int Node, short Owner)> Sinks { get; } = [];

    /// <summary>Block RAM bits per owner.</summary>
    public Dictionary<short, long> BlockRamBits { get; } = [];

    /// <summary>LUTs of distributed RAM (7 series) per owner.</summary>
    public Dictionary<short, int> LutRamLuts { get; } = [];

    /// <summary>Owner names by index: 0 is the top level (""), the rest the top module's instances.</summary>
    public List<string> OwnerNames { get; } = [""];

    public BitBlaster(RtlModule flat, LogicFabric fabric)
    {
        _module = flat;
        _fabric = fabric;
        foreach (var cell in flat.Cells) _driver[cell.Output] = cell;
        var readers = new Dictionary<RtlSignal, List<RtlCell>>();
        foreach (var cell in flat.Cells)
            foreach (var input in cell.Inputs)
            {
                if (!readers.TryGetValue(input, out var list)) readers[input] = list = [];
                list.Add(cell);
            }
        static bool IsAdd(RtlCell c) => c.Op is RtlOp.Add or RtlOp.Sub;
        var root = new Dictionary<RtlCell, RtlCell>();
        foreach (var cell in flat.Cells.Where(IsAdd))
        {
            if (readers.TryGetValue(cell.Output, out var r) && r.Count == 1 && IsAdd(r[0]))
            {
                _inTree.Add(cell);
                _inTree.Add(r[0]);
                root[cell] = r[0];
            }
        }
        // a tree of N operands has N - 1 adds; on 7 series one of at most SmallTreeLeaves operands is its
        // own class (iCE40's fit has no such class: its trees stay one class)
        if (fabric != LogicFabric.Lut6) return;
        RtlCell RootOf(RtlCell c) { while (root.TryGetValue(c, out var up)) c = up; return c; }
        foreach (var tree in _inTree.GroupBy(RootOf))
            if (tree.Count() + 1 <= SmallTreeLeaves) _inSmallTree.UnionWith(tree);
    }

    public void Run()
    {
        foreach (var port in _module.Inputs) _bits[port] = Sources(port.Width);
        var registers = new List<(RtlRegister Register, BitFlop[] Bits)>();
        foreach (var r in _module.Registers)
        {
            var owner = OwnerOf(r.Q.Name);
            var bits = new BitFlop[r.Q.Width];
            var reset = BitGraph.Constant(r.ResetValue, bits.Length);
            for (int i = 0; i < bits.Length; i++) bits[i] = Flop(owner, reset[i] == BitGraph.One);
            _bits[r.Q] = [.. bits.Select(b => b.Q)];
            registers.Add((r, bits));
        }
        var memories = new List<(RtlMemory Memory, short Owner, bool Block, BitFlop[][] Data)>();
        var cascades = new List<(RtlReadPort Port, BitFlop[] Select, int Low)>();
        var bypasses = new List<(RtlMemory Memory, int Port, BitFlop[] Data, BitFlop[] Address, BitFlop Hit)>();
        foreach (var m in _module.Memories)
        {
            var owner = OwnerOf(m.Name);
            bool block = BlockRamUse.InBlockRam(m, _fabric);
            var data = new BitFlop[m.ReadPorts.Count][];
            for (int p = 0; p < m.ReadPorts.Count; p++)
            {
                if (block)
                {
                    var read = Cascade(m, owner, m.ReadPorts[p], cascades);
                    // a 7-series block RAM reads first by itself (RAMB18E1 READ_FIRST): yosys adds no bypass
                    // there (measured: the windows' frame buffers, 2 x width + address + 1 fewer flip-flops)
                    bool bypass = _fabric == LogicFabric.Lut4 && m.WritePorts.Count > 0 && !m.ReadsNeverCollide && m.ReadPorts[p].Enable is null;
                    _bits[m.ReadPorts[p].Data] = bypass ? Bypass(m, p, owner, read, bypasses) : read;
                    continue;
                }
                data[p] = [.. Enumerable.Range(0, m.Width).Select(_ => Flop(owner, false))];
                _bits[m.ReadPorts[p].Data] = [.. data[p].Select(b => b.Q)];
            }
            if (block) BlockRamBits[owner] = BlockRamBits.GetValueOrDefault(owner) + ((long)m.Width * m.Depth);
            memories.Add((m, owner, block, data));
        }

        foreach (var port in _module.Outputs)
        {
            var bits = Bits(port);
            foreach (var b in bits) Sinks.Add((b, 0));
        }
        foreach (var (r, flops) in registers)
        {
            SetContext(r.Q.Name, RtlOp.Buffer);
            var d = Bits(r.D);
            int enable = r.Enable is null ? BitGraph.One : Bits(r.Enable)[0];
            int reset = r.Reset is null ? BitGraph.Zero : Bits(r.Reset)[0];
            for (int i = 0; i < flops.Length; i++) { flops[i].D = d[i]; flops[i].Enable = enable; flops[i].Reset = reset; }
        }
        foreach (var (port, select, low) in cascades)
        {
            var address = Bits(port.Address);
            int enable = port.Enable is null ? BitGraph.One : Bits(port.Enable)[0];
            for (int i = 0; i < select.Length; i++) { select[i].D = address[low + i]; select[i].Enable = enable; }
        }
        foreach (var (m, port, wdata, waddress, hit) in bypasses)
        {
            var write = m.WritePorts[0];
            var value = Bits(write.Data);
            var address = Bits(write.Address);
            int enable = Bits(write.Enable)[0];
            Graph.Owner = hit.Owner;
            Graph.Kind = BlockRamBypass;
            for (int i = 0; i < m.Width; i++) { wdata[i].D = value[i]; wdata[m.Width + i].D = wdata[i].Q; }
            for (int i = 0; i < waddress.Length; i++) waddress[i].D = address[i];
            var read = Bits(m.ReadPorts[port].Address);
            int same = BitGraph.One;
            for (int i = 0; i < read.Length; i++) same = Graph.And(same, Graph.Not(Graph.Xor(read[i], address[i])));
            hit.D = Graph.And(enable, same);
        }
        foreach (var (m, owner, block, data) in memories)
        {
            Graph.Owner = owner;
            Graph.Kind = MemoryLogic;
            if (block) BlockPorts(m, owner);
            else LogicMemory(m, owner, data);
        }
    }

    /// <summary>
    /// Gives a bit an instance's port carries to the instance whose name sorts first, as yosys
    /// names a net that has several names (the driver's output port, the reader's input port)
    /// and so its driving cell: the FIFO read multiplexer of the last layer is "argmax.in_data_...".
    /// </summary>
    public void OwnPortsLikeYosys(IEnumerable<string> portWires)
    {
        var wires = _module.Wires.ToDictionary(w => w.Name);
        foreach (var name in portWires.Order(StringComparer.Ordinal))
        {
            if (!wires.TryGetValue(name, out var wire)) continue;
            short owner = OwnerOf(name);
            foreach (var node in Bits(wire))
            {
                if (BitGraph.IsConst(node)) continue;
                short current = Graph.OwnerOf(node);
                if (current == 0 || string.CompareOrdinal(OwnerNames[owner], OwnerNames[current]) < 0) Graph.SetOwner(node, owner);
            }
        }
        for (int i = 0; i < Flops.Count; i++)
        {
            var f = Flops[i];
            if (Graph.OwnerOf(f.Q) != f.Owner)
                Flops[i] = new BitFlop(f.Q, Graph.OwnerOf(f.Q), f.Init) { D = f.D, Enable = f.Enable, Reset = f.Reset };
        }
    }

    private BitFlop Flop(short owner, bool init)
    {
        short previous = Graph.Owner;
        Graph.Owner = owner;
        var flop = new BitFlop(Graph.Source(), owner, init);
        Graph.Owner = previous;
        Flops.Add(flop);
        return flop;
    }

    private int[] Sources(int width) => [.. Enumerable.Range(0, width).Select(_ => Graph.Source())];

    private short OwnerOf(string flatName)
    {
        int dot = flatName.IndexOf(RtlFlattener.PathSeparator);
        string owner = dot <= 0 ? "" : flatName[..dot];
        if (!_owners.TryGetValue(owner, out var index))
        {
            index = (short)OwnerNames.Count;
            OwnerNames.Add(owner);
            _owners[owner] = index;
        }
        return index;
    }

    private void SetContext(string name, RtlOp op)
    {
        Graph.Owner = OwnerOf(name);
        Graph.Kind = (byte)op;
    }

    /// <summary>The bits of a signal, blasting its driver (and what that reads) on first use.</summary>
    public int[] Bits(RtlSignal signal)
    {
        if (_bits.TryGetValue(signal, out var known)) return known;
        // iterative depth-first order: generated designs chain thousands of cells
        var stack = new Stack<(RtlSignal Signal, bool Expanded)>();
        stack.Push((signal, false));
        while (stack.Count > 0)
        {
            var (s, expanded) = stack.Pop();
            if (_bits.ContainsKey(s)) continue;
            if (!_driver.TryGetValue(s, out var cell))
            {
                _bits[s] = new int[s.Width]; // undriven: zeros (an unconnected instance output)
                continue;
            }
            if (!expanded)
            {
                stack.Push((s, true));
                foreach (var input in cell.Inputs)
                    if (!_bits.ContainsKey(input)) stack.Push((input, false));
                continue;
            }
            short owner = Graph.Owner;
            byte kind = Graph.Kind;
            SetContext(s.Name, cell.Op);
            if (_inTree.Contains(cell)) Graph.Kind = _inSmallTree.Contains(cell) ? SmallAdderTree : AdderTree;
            _bits[s] = CellBits.Blast(Graph, cell, [.. cell.Inputs.Select(i => _bits[i])]);
            Graph.Owner = owner;
            Graph.Kind = kind;
        }
        return _bits[signal];
    }
}
