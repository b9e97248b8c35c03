using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Memory;

/// <summary>
/// The block RAMs a generated design asks for: every memory marked for block RAM, and every
/// memory left to the synthesis tool that is too big for a sixteenth of a block (yosys maps such
/// memories to block RAM too), each rounded up to whole blocks of the fabric's best word shape.
/// </summary>
public static class BlockRamUse
{
    public static int Of(RtlDesign design, LogicFabric fabric)
    {
        var instances = Instances(design);
        int blocks = 0;
        foreach (var module in design.Modules)
        {
            int perInstance = module.Memories
                .Where(m => m.Style == MemoryStyle.Block || (m.Style == MemoryStyle.Auto && (long)m.Width * m.Depth * 16 > BlockRam.BlockBits(fabric)))
                .Sum(m => BlockRam.Blocks(fabric, m.Width, m.Depth));
            blocks += perInstance * instances.GetValueOrDefault(module.Name);
        }
        return blocks;
    }

    /// <summary>How many times each module is instantiated below (and including) the top.</summary>
    private static Dictionary<string, int> Instances(RtlDesign design)
    {
        var byName = design.Modules.ToDictionary(m => m.Name);
        var counts = new Dictionary<string, int>();
        void Visit(string name, int times)
        {
            counts[name] = counts.GetValueOrDefault(name) + times;
            if (!byName.TryGetValue(name, out var module)) return;
            foreach (var child in module.Instances) Visit(child.Module, times);
        }
        Visit(design.Top, 1);
        return counts;
    }
}
