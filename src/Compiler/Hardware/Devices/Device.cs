using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// An FPGA `hwflow compile --device` folds for: its logic cell (which shapes the compressor trees
/// and block RAM), its capacity, and the `hwflow synth --target` that builds for it. Capacities
/// are the vendors' data-sheet totals; a 7-series device's LUTs are LUT6, an iCE40's LUT4 (one per
/// logic cell), and block RAM counts iCE40 SB_RAM40_4K or 7-series RAMB18 halves.
/// </summary>
public sealed record Device(string Name, LogicFabric Fabric, long Luts, long Ffs, int BlockRams, int Dsps, string SynthTarget, string Description)
{
    /// <summary>The share of LUTs the folding may plan for: the rest is the margin for the estimate's error and for routing.</summary>
    public const double LutShare = 0.85;

    public static IReadOnlyList<Device> All { get; } =
    [
        new("ice40-up5k", LogicFabric.Lut4, 5_280, 5_280, 30, 8, "ice40-up5k", "Lattice iCE40 UltraPlus 5K (iCEBreaker)"),
        new("ice40-hx8k", LogicFabric.Lut4, 7_680, 7_680, 32, 0, "ice40-hx8k", "Lattice iCE40 HX8K"),
        new("xc7a35t", LogicFabric.Lut6, 20_800, 41_600, 100, 90, "xc7", "AMD Artix-7 35T"),
        new("xc7z020", LogicFabric.Lut6, 53_200, 106_400, 280, 220, "xc7", "AMD Zynq-7020 (PYNQ-Z1)"),
        new("xc7a100t", LogicFabric.Lut6, 63_400, 126_800, 270, 240, "xc7", "AMD Artix-7 100T"),
    ];

    /// <summary>
    /// The widest input stream (s_axis_tdata bits) `compile --device` offers the bare core: the
    /// UP5K's SG48 package has 39 I/O pins, of which the 8-bit core uses 23 (8 more per extra
    /// byte); the HX8K's CT256 and the 7-series parts have pins or on-chip AXI for 64 bits.
    /// </summary>
    public int MaxInputWidth => Name == "ice40-up5k" ? 16 : Stages.InputStream.MaxWidth;

    /// <summary>Bits one of its block RAMs holds.</summary>
    public int BlockRamBits => BlockRam.BlockBits(Fabric);

    /// <summary>The LUT budget a folding for this device may use.</summary>
    public long LutBudget => (long)Math.Floor(Luts * LutShare);

    public static Device Parse(string name) =>
        All.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UserError($"--device: unknown device '{name}'; expected one of {string.Join(", ", All.Select(d => d.Name))}");
}
