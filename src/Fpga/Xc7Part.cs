using HwFlow.Compiler.Hardware.Devices;

namespace HwFlow.Fpga;

/// <summary>
/// A 7-series part `synth --target xc7` states its counts against: the device a build was compiled
/// for with `compile --device` (its LUTs, flip-flops, block RAM and DSPs from <see cref="Device"/>,
/// so the compiler's budget and synth's totals cannot drift apart), else the xc7z020 of the PYNQ-Z1.
/// </summary>
/// <param name="DeviceName">The `--device` name (xc7a35t, xc7z020, xc7a100t).</param>
/// <param name="VivadoPart">The part vivado.tcl defaults to: a board's package and speed grade, since the counts do not depend on them.</param>
public sealed record Xc7Part(string DeviceName, string VivadoPart, IReadOnlyDictionary<string, double> Capacity)
{
    // Per device, the slices (one CARRY4 each) and the SLICEM LUTs that can be LUT RAM or SRLs
    // (a quarter of the slices are SLICEM, four LUTs each: DS180/DS190's distributed RAM / 64 bits).
    private static readonly (string Device, string VivadoPart, int Slices, int LutRam)[] Parts =
    [
        ("xc7z020", "xc7z020clg400-1", 13_300, 17_400),   // PYNQ-Z1
        ("xc7a35t", "xc7a35tcpg236-1", 5_200, 6_400),     // Basys 3, Cmod A7-35T
        ("xc7a100t", "xc7a100tcsg324-1", 15_850, 19_000), // Arty A7-100T, Nexys A7-100T
    ];

    /// <summary>The part for builds compiled without a 7-series `--device`.</summary>
    public static Xc7Part Default { get; } = Of("xc7z020")!;

    /// <summary>The part for <paramref name="device"/> (a manifest's `device`), or null when it is none of the 7-series devices.</summary>
    public static Xc7Part? Of(string? device)
    {
        if (device is null) return null;
        var part = Parts.FirstOrDefault(p => p.Device.Equals(device, StringComparison.OrdinalIgnoreCase));
        var spec = Device.All.FirstOrDefault(d => d.Name.Equals(device, StringComparison.OrdinalIgnoreCase));
        if (part.Device is null || spec is null) return null;
        return new Xc7Part(part.Device, part.VivadoPart, new Dictionary<string, double>
        {
            ["LUT6"] = spec.Luts, ["FF"] = spec.Ffs, ["BRAM36"] = spec.BlockRams / 2.0, ["DSP48E1"] = spec.Dsps,
            ["LUTRAM"] = part.LutRam, ["CARRY4"] = part.Slices,
        });
    }
}
