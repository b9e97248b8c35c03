using HwFlow.Compiler.Hardware.Compression;

namespace HwFlow.Compiler.Hardware.Memory;

/// <summary>
/// The block RAM of a fabric: its word shapes (depth x width) and how many blocks a memory takes.
/// iCE40: SB_RAM40_4K, 4 kbit, 256x16 .. 2048x2. 7 series: RAMB18E1, 18 kbit, 512x36 (simple
/// dual port) .. 16Kx1; a RAMB36E1 is two of them, so counts are in RAMB18 units.
/// </summary>
public static class BlockRam
{
    private static readonly (int Depth, int Width)[] Ice40Shapes = [(256, 16), (512, 8), (1024, 4), (2048, 2)];
    private static readonly (int Depth, int Width)[] Xc7Shapes = [(512, 36), (1024, 18), (2048, 9), (4096, 4), (8192, 2), (16384, 1)];

    public static IReadOnlyList<(int Depth, int Width)> Shapes(LogicFabric fabric) => fabric == LogicFabric.Lut6 ? Xc7Shapes : Ice40Shapes;

    /// <summary>Bits of one block (iCE40 4,096; a RAMB18 18,432 with its parity bits).</summary>
    public static int BlockBits(LogicFabric fabric) => fabric == LogicFabric.Lut6 ? 18_432 : 4_096;

    /// <summary>The blocks a memory of <paramref name="width"/> x <paramref name="depth"/> takes in the shape the synthesis tool picks.</summary>
    public static int Blocks(LogicFabric fabric, int width, long depth, bool written = false) => Map(fabric, width, depth, written).Blocks;

    /// <summary>
    /// How the synthesis tool lays a memory out in blocks: the block shape, how many blocks deep the
    /// words are spread (each read bit is then a <see cref="BlockRamMapping.Deep"/>:1 multiplexer
    /// over them) and how many blocks that takes.
    /// </summary>
    public static BlockRamMapping Map(LogicFabric fabric, int width, long depth, bool written = false)
    {
        if (width <= 0 || depth <= 0) return new BlockRamMapping(0, 0, Shapes(fabric)[0], 0);
        return fabric == LogicFabric.Lut4 ? Ice40Mapping(width, depth, written) : FewestBlocks(fabric, width, depth);
    }

    /// <summary>
    /// yosys 0.23 memory_libmap on iCE40 (passes/memory/memlib.md, ice40/brams.txt). For each
    /// shape, from the narrowest: the words are cut into blocks-deep slices, the slices' words laid
    /// side by side over as few blocks as hold their bits (so a 9-bit ROM of 5,632 words is 11
    /// slices of 512 x 9 in 13 blocks of 512 x 8, not 2 x 11), and the cost is 64 a block plus half
    /// a point for every 2:1 read multiplexer bit and every write-enable slice; the cheapest wins,
    /// the narrower on a tie. So a 16 x 6,272 ROM takes 26 blocks of 512 x 8 (13 deep), not 25 of
    /// 256 x 16 (25 deep). Measured on 35 shapes (bench/ice40-bram-shapes.sh, BlockRamUseTests).
    /// </summary>
    private static BlockRamMapping Ice40Mapping(int width, long depth, bool written)
    {
        BlockRamMapping best = default;
        double bestCost = double.MaxValue;
        foreach (var shape in Ice40Shapes.OrderBy(s => s.Width))
        {
            long deep = (depth + shape.Depth - 1) / shape.Depth;
            long blocks = (deep * width + shape.Width - 1) / shape.Width;
            double cost = Ice40BlockCost * blocks + MuxCost * (deep - 1) * width + (written && deep > 1 ? MuxCost * deep : 0);
            if (cost < bestCost) (best, bestCost) = (new BlockRamMapping((int)blocks, (int)deep, shape, cost), cost);
        }
        return best;
    }

    /// <summary>The fewest blocks over every shape; among those the deepest shape, whose cascade is shortest.</summary>
    private static BlockRamMapping FewestBlocks(LogicFabric fabric, int width, long depth)
    {
        var shape = Shapes(fabric).OrderBy(s => BlocksIn(s, width, depth)).ThenByDescending(s => s.Depth).First();
        long blocks = BlocksIn(shape, width, depth);
        return new BlockRamMapping((int)blocks, (int)((depth + shape.Depth - 1) / shape.Depth), shape, blocks);
    }

    private static long BlocksIn((int Depth, int Width) shape, int width, long depth)
        => ((width + shape.Width - 1) / shape.Width) * ((depth + shape.Depth - 1) / shape.Depth);

    /// <summary>yosys's cost of one SB_RAM40_4K (ice40/brams.txt).</summary>
    private const double Ice40BlockCost = 64;

    private const double MuxCost = 0.5;
}

/// <summary>
/// A memory laid out in block RAM: <see cref="Blocks"/> blocks of <see cref="Shape"/>, its words
/// spread <see cref="Deep"/> blocks deep; <see cref="Cost"/> in the synthesis tool's units (on
/// iCE40 yosys's, comparable with soft logic's; elsewhere the block count).
/// </summary>
public readonly record struct BlockRamMapping(int Blocks, int Deep, (int Depth, int Width) Shape, double Cost);
