using System.Numerics;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>The memories of <see cref="BitBlaster"/>: block RAM ports, cascades and bypasses, and memories kept in logic.</summary>
public sealed partial class BitBlaster
{
    /// <summary>
    /// The read data of a block RAM memory: straight from one block, or, when the memory is deeper
    /// than the block shape yosys picks (BlockRam.Map), a multiplexer over the blocks of each
    /// bit selected by the registered high address bits (flip-flops whose D is set once the address is blasted).
    /// </summary>
    private int[] Cascade(RtlMemory m, short owner, RtlReadPort port, List<(RtlReadPort, BitFlop[], int)> cascades)
    {
        var shape = BlockRamUse.Mapping(m, _fabric);
        int deep = shape.Deep;
        if (deep <= 1) return Sources(m.Width);
        int low = BitWidth.ToIndex(shape.Shape.Depth);
        int selectBits = BitWidth.ToIndex(deep);
        var select = Enumerable.Range(0, selectBits).Select(_ => Flop(owner, false)).ToArray();
        cascades.Add((port, select, low));
        short previousOwner = Graph.Owner;
        byte previousKind = Graph.Kind;
        Graph.Owner = owner;
        // 7 series: yosys packs an unmarked ROM into nearly full blocks, a width slice at a time
        // (mnist-hbnn-mlp's 10 x 200,704 weights: 9 bits in 49 blocks of 4,096 x 9 and one in 7 of
        // 32,768 x 1, 448 multiplexer inputs where this shape has 250), so its multiplexer has a class of its own
        Graph.Kind = _fabric == LogicFabric.Lut6 && m.Style == MemoryStyle.Auto && m.WritePorts.Count == 0 ? RomCascade : BlockRamCascade;
        var q = select.Select(f => f.Q).ToArray();
        var data = new int[m.Width];
        for (int i = 0; i < m.Width; i++)
        {
            var blocks = Sources(deep);
            data[i] = Select(q, 0, selectBits, b => blocks[Math.Min(b, deep - 1)]);
        }
        Graph.Owner = previousOwner;
        Graph.Kind = previousKind;
        return data;
    }

    /// <summary>
    /// yosys's emulation of "a read and a write to the same word return the old word" on a block
    /// RAM that returns garbage then: the write data, delayed, and a registered address match
    /// select it over the block's output (leave it out with ReadsNeverCollide / no_rw_check).
    /// Measured: yosys 0.23 added it (2 x width + address + 1 flip-flops) to a window's frame
    /// buffer, whose read has no enable, and not to the WHT line buffers, whose read and write
    /// share one enable; so a read with an enable is left without.
    /// </summary>
    private int[] Bypass(RtlMemory m, int port, short owner, int[] read, List<(RtlMemory, int, BitFlop[], BitFlop[], BitFlop)> bypasses)
    {
        var data = Enumerable.Range(0, 2 * m.Width).Select(_ => Flop(owner, false)).ToArray();
        var address = Enumerable.Range(0, m.AddressWidth).Select(_ => Flop(owner, false)).ToArray();
        var hit = Flop(owner, false);
        bypasses.Add((m, port, data, address, hit));
        foreach (var f in data.Skip(m.Width).Concat(address)) Sinks.Add((f.Q, owner)); // kept by yosys whatever reads them
        short previousOwner = Graph.Owner;
        byte previousKind = Graph.Kind;
        Graph.Owner = owner;
        Graph.Kind = BlockRamBypass;
        var result = read.Select((r, i) => Graph.Mux(hit.Q, data[i].Q, r)).ToArray();
        Graph.Owner = previousOwner;
        Graph.Kind = previousKind;
        return result;
    }

    private void BlockPorts(RtlMemory m, short owner)
    {
        foreach (var p in m.ReadPorts)
        {
            foreach (var b in Bits(p.Address)) Sinks.Add((b, owner));
            if (p.Enable is not null) Sinks.Add((Bits(p.Enable)[0], owner));
        }
        foreach (var p in m.WritePorts)
            foreach (var b in Bits(p.Address).Concat(Bits(p.Data)).Append(Bits(p.Enable)[0])) Sinks.Add((b, owner));
    }

    /// <summary>A memory kept in logic: a ROM is a multiplexer tree over its constant words, a RAM a flip-flop per bit.</summary>
    private void LogicMemory(RtlMemory m, short owner, BitFlop[][] data)
    {
        var words = new int[m.Depth][];
        for (int w = 0; w < m.Depth; w++)
            words[w] = BitGraph.Constant(m.Init is not null && w < m.Init.Count ? m.Init[w] : BigInteger.Zero, m.Width);
        if (_fabric == LogicFabric.Lut6 && m.WritePorts.Count > 0 && m.Style != MemoryStyle.Logic)
        {
            // 7 series: distributed RAM (RAM32M/RAM64M, LUTs used as memory), so neither word
            // flip-flops nor a read multiplexer in logic; only the registered read data remains.
            // ram_style "logic" makes yosys keep flip-flops (measured: a pool's 8 x 104 line, 882 FF)
            for (int w = 0; w < m.Depth; w++) words[w] = Sources(m.Width);
            foreach (var port in m.WritePorts)
                foreach (var b in Bits(port.Address).Concat(Bits(port.Data)).Append(Bits(port.Enable)[0])) Sinks.Add((b, owner));
            for (int p = 0; p < m.ReadPorts.Count; p++)
            {
                var address = Bits(m.ReadPorts[p].Address);
                foreach (var b in address) Sinks.Add((b, owner));
                int enable = m.ReadPorts[p].Enable is null ? BitGraph.One : Bits(m.ReadPorts[p].Enable!)[0];
                var lutRam = Sources(m.Width);
                LutRamLuts[owner] = LutRamLuts.GetValueOrDefault(owner) + Xc7LutMemory.Ram(m.Width, m.Depth);
                for (int i = 0; i < m.Width; i++) { data[p][i].D = lutRam[i]; data[p][i].Enable = enable; }
            }
            return;
        }
        foreach (var port in m.WritePorts)
        {
            Graph.Owner = owner;
            Graph.Kind = MemoryLogic;
            var address = Bits(port.Address);
            var value = Bits(port.Data);
            int enable = Bits(port.Enable)[0];
            for (int w = 0; w < m.Depth; w++)
            {
                int hit = Graph.And(enable, Equals(address, w));
                var flops = Enumerable.Range(0, m.Width).Select(i => Flop(owner, !words[w][i].Equals(BitGraph.Zero))).ToArray();
                for (int i = 0; i < m.Width; i++) { flops[i].D = value[i]; flops[i].Enable = hit; }
                words[w] = [.. flops.Select(f => f.Q)];
            }
        }
        for (int p = 0; p < m.ReadPorts.Count; p++)
        {
            var port = m.ReadPorts[p];
            var address = Bits(port.Address);
            int enable = port.Enable is null ? BitGraph.One : Bits(port.Enable)[0];
            Graph.Owner = owner;
            Graph.Kind = MemoryLogic;
            for (int i = 0; i < m.Width; i++)
            {
                data[p][i].D = Select(address, 0, address.Length, w => w < m.Depth ? words[w][i] : BitGraph.Zero);
                data[p][i].Enable = enable;
            }
        }
    }

    private int Select(int[] address, int low, int level, Func<int, int> word)
    {
        if (level == 0) return word(low);
        int half = 1 << (level - 1);
        return Graph.Mux(address[level - 1], Select(address, low + half, level - 1, word), Select(address, low, level - 1, word));
    }

    private int Equals(int[] bits, int value)
    {
        int all = BitGraph.One;
        for (int i = 0; i < bits.Length; i++) all = Graph.And(all, ((value >> i) & 1) == 1 ? bits[i] : Graph.Not(bits[i]));
        return all;
    }
}
