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

    /// <summary>The fewest blocks that hold <paramref name="depth"/> words of <paramref name="width"/> bits, over every shape.</summary>
    public static int Blocks(LogicFabric fabric, int width, long depth)
    {
        if (width <= 0 || depth <= 0) return 0;
        return (int)Shapes(fabric).Min(s => (long)Math.Ceiling((double)width / s.Width) * (long)Math.Ceiling((double)depth / s.Depth));
    }
}
