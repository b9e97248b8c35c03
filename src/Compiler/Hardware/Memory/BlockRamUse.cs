using HwFlow.Compiler.Hardware.Compression;
using System.Numerics;
using System.Runtime.CompilerServices;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Memory;

/// <summary>
/// The block RAMs a generated design asks for: every memory marked for block RAM, and every
/// memory left to the synthesis tool that the tool maps to block RAM, each rounded up to whole
/// blocks of the shape the synthesis tool picks (BlockRam.Map).
/// </summary>
public static class BlockRamUse
{
    public static int Of(RtlDesign design, LogicFabric fabric) => Under(design, design.Top, fabric);

    /// <summary>The blocks of module <paramref name="root"/> and everything it instantiates (0 when the design has no such module).</summary>
    public static int Under(RtlDesign design, string root, LogicFabric fabric)
    {
        var instances = Instances(design, root);
        int blocks = 0;
        foreach (var module in design.Modules)
        {
            int perInstance = module.Memories.Where(m => InBlockRam(m, fabric)).Sum(m => Mapping(m, fabric).Blocks);
            blocks += perInstance * instances.GetValueOrDefault(module.Name);
        }
        return blocks;
    }

    /// <summary>How the synthesis tool lays <paramref name="memory"/> out in blocks, after dropping a ROM's constant bits.</summary>
    public static BlockRamMapping Mapping(RtlMemory memory, LogicFabric fabric)
        => BlockRam.Map(fabric, StoredWidth(memory), memory.Depth, memory.WritePorts.Count > 0);

    /// <summary>
    /// The data bits that need storing: yosys (opt_mem) replaces a ROM's bit that has one value in
    /// every word by that constant before it maps the memory, so an 18-bit bias ROM whose top two
    /// bits are the same sign everywhere takes one 16-bit block (mnist-bnn-mlp).
    /// </summary>
    public static int StoredWidth(RtlMemory memory)
    {
        if (memory.WritePorts.Count > 0) return memory.Width;
        return StoredWidths.GetValue(memory, m =>
        {
            if (m.Init is null || m.Init.Count == 0) return new StrongBox<int>(0);
            BigInteger ones = BigInteger.Zero, all = (BigInteger.One << m.Width) - 1, zeros = all;
            foreach (var word in m.Init) { ones |= word; zeros &= word; }
            // a word past the init list reads as zero
            if (m.Init.Count < m.Depth) zeros = BigInteger.Zero;
            var varying = ones & ~zeros & all;
            int count = 0;
            for (int b = 0; b < m.Width; b++) if (!(varying >> b).IsEven) count++;
            return new StrongBox<int>(count);
        }).Value;
    }

    private static readonly ConditionalWeakTable<RtlMemory, StrongBox<int>> StoredWidths = new();

    /// <summary>Whether <paramref name="memory"/> ends up in block RAM: marked so, or left to the tool and mapped there by it.</summary>
    public static bool InBlockRam(RtlMemory memory, LogicFabric fabric) => memory.Style switch
    {
        MemoryStyle.Block => true,
        MemoryStyle.Logic => false,
        _ => fabric == LogicFabric.Lut4 ? Ice40MapsToBlock(memory) : Xc7MapsToBlock(memory),
    };

    /// <summary>
    /// yosys 0.23 synth_xilinx's choice for an unmarked memory, measured on the xc7 sample builds
    /// (bench/rtl-synth-xc7.sh, "using FF mapping" against "mapping memory ... via"). A ROM stays in
    /// logic when its stored bits at 1/64 each (memory_libmap's "logic fallback" cost) cost less
    /// than its blocks at 257 a RAMB36 (128.5 a RAMB18): so 18 x 256, 45 x 64 and 10 x 576 stay in
    /// logic, 17 x 1,024 takes a RAMB18, and a wide shallow ROM stays in logic however big:
    /// mnist-bnn-mlp's 1,120 x 182 weights (3,185 against 16 RAMB36 at 4,114, `debug memory_libmap`)
    /// became 182 x 1,120 words of LUTs and 1,120 flip-flops, where 280 x 728 (3,185 against 2,058)
    /// took block RAM. A written memory is LUT RAM when its LUTs (RAM32M 6 bits of 32 words, RAM64M 3 of
    /// 64, RAM128X1D 1 of 128, each 4 LUTs) cost less than its RAMB18s at 1.5 LUT per 129 (the
    /// library's block cost): 17 x 128 and 224 x 56 (75 RAM64M) were LUT RAM, 128 x 98 and
    /// 18 x 256 block RAM. (The earlier rule, 1/16 of a RAMB18, sent all of them to block RAM.)
    /// </summary>
    private static bool Xc7MapsToBlock(RtlMemory memory)
    {
        if (memory.WritePorts.Count == 0) return StoredWidth(memory) * (double)memory.Depth * Xc7RomLogicCost > Xc7RomBlockCost * Mapping(memory, LogicFabric.Lut6).Blocks;
        long lutRam = memory.Depth <= 32 ? 4L * ((memory.Width + 5) / 6) : memory.Depth <= 64 ? 4L * ((memory.Width + 2) / 3)
            : memory.Depth <= 128 ? 4L * memory.Width : long.MaxValue / 4;
        return Xc7LutRamCost * lutRam > Xc7BlockCost * BlockRam.Blocks(LogicFabric.Lut6, memory.Width, memory.Depth);
    }

    private const double Xc7RomLogicCost = 1.0 / 64;
    private const double Xc7LutRamCost = 1.5;
    private const double Xc7BlockCost = 129;
    private const double Xc7RomBlockCost = 128.5;

    /// <summary>
    /// yosys's choice for an unmarked memory on iCE40 (memory_libmap in synth_ice40): the cheaper
    /// of soft logic, at 1/16 per bit for a ROM and 1 per bit for a RAM, and block RAM, at 64 per
    /// SB_RAM40_4K (ice40/brams.txt) plus its read multiplexer (<see cref="BlockRam.Map"/>); a tie
    /// goes to logic. So a 32 x 64 ROM (two blocks) is 256 LUTs of logic, a 16 x 128 ROM one block.
    /// Measured with yosys 0.23 on 17 ROM shapes.
    /// </summary>
    private static bool Ice40MapsToBlock(RtlMemory memory)
    {
        long bits = (long)StoredWidth(memory) * memory.Depth;
        double logicCost = memory.WritePorts.Count > 0 ? bits : bits / 16.0;
        return logicCost > Mapping(memory, LogicFabric.Lut4).Cost;
    }

    /// <summary>How many times each module is instantiated below (and including) <paramref name="root"/>.</summary>
    private static Dictionary<string, int> Instances(RtlDesign design, string root)
    {
        var byName = design.Modules.ToDictionary(m => m.Name);
        var counts = new Dictionary<string, int>();
        if (!byName.ContainsKey(root)) return counts;
        void Visit(string name, int times)
        {
            counts[name] = counts.GetValueOrDefault(name) + times;
            if (!byName.TryGetValue(name, out var module)) return;
            foreach (var child in module.Instances) Visit(child.Module, times);
        }
        Visit(root, 1);
        return counts;
    }
}
