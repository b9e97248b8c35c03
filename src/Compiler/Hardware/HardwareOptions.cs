using HwFlow.Compiler.Hardware.Compression;

namespace HwFlow.Compiler.Hardware;

/// <summary>
/// How the hardware is generated beyond the folding: the logic fabric the compressor trees and
/// memories are shaped for (from the device, or lut4 by default).
/// </summary>
public sealed record HardwareOptions
{
    public static HardwareOptions Default { get; } = new();

    public LogicFabric Fabric { get; init; } = LogicFabric.Lut4;

    /// <summary>The device name the design was folded for (recorded in the build manifest), or null.</summary>
    public string? Device { get; init; }

    /// <summary>A max-pool's pooled row of partial maxima wider than this many bits goes to a RAM (tests lower it to reach the RAM form).</summary>
    public int PoolRowRegisterBits { get; init; } = Generators.PoolUnit.RowRegisterBits;

    /// <summary>A binary unit with this many +-1 inputs or more keeps its input banks in block RAM (tests lower it to reach the RAM form).</summary>
    public int InputRamMinInputs { get; init; } = Generators.BinaryInputRam.MinInputs;

    /// <summary>The same for a binary unit with chunk factors (HBNN), whose factors stay in registers (tests lower it too).</summary>
    public int FactorInputRamMinInputs { get; init; } = Generators.BinaryInputRam.MinFactorInputs;

    /// <summary>
    /// Weight memories of at most this many bits are built in LUT logic instead of block RAM (0:
    /// none). `compile --device` raises it when every design is over the device's block RAMs alone.
    /// </summary>
    public long LogicWeightBits { get; init; }
}
