using HwFlow.Compiler.Hardware.Compression;

namespace HwFlow.Compiler.Hardware;

/// <summary>
/// How the hardware is generated beyond the folding: the logic fabric the compressor trees and
/// memories are shaped for (from the device, or lut4 by default), and how the input stream is packed.
/// </summary>
public sealed record HardwareOptions
{
    public static HardwareOptions Default { get; } = new();

    public LogicFabric Fabric { get; init; } = LogicFabric.Lut4;
}
