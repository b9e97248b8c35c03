using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga;

public enum FpgaFamily
{
    /// <summary>Lattice iCE40: synthesis, place and route and a bitstream, all with open tools.</summary>
    Ice40,

    /// <summary>AMD/Xilinx 7 series: yosys synthesis estimates only (place and route needs Vivado).</summary>
    Xc7,
}

/// <summary>A device the synth command can target, with what each tool needs to hear about it.</summary>
public sealed record FpgaTarget(string Name, FpgaFamily Family, string Device, IReadOnlyList<string> NextpnrDeviceArguments, string Description)
{
    public static FpgaTarget Ice40Up5k { get; } =
        new("ice40-up5k", FpgaFamily.Ice40, "iCE40UP5K-SG48", ["--up5k", "--package", "sg48"], "Lattice iCE40 UltraPlus 5K (iCEBreaker)");

    public static FpgaTarget Ice40Hx8k { get; } =
        new("ice40-hx8k", FpgaFamily.Ice40, "iCE40HX8K-CT256", ["--hx8k", "--package", "ct256"], "Lattice iCE40 HX8K (iCE40-HX8K breakout)");

    /// <summary>Device is the part of builds compiled without a 7-series --device (the PYNQ-Z1's Zynq-7020); <see cref="Xc7Part"/> holds the others.</summary>
    public static FpgaTarget Xc7 { get; } =
        new("xc7", FpgaFamily.Xc7, "xc7z020clg400-1", [], "AMD/Xilinx 7 series (estimate against the compiled --device, else the xc7z020; Vivado script for its part)");

    public static IReadOnlyList<FpgaTarget> All { get; } = [Ice40Up5k, Ice40Hx8k, Xc7];

    public static FpgaTarget Parse(string name) =>
        All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UserError($"--target: unknown target '{name}'; expected one of {string.Join(", ", All.Select(t => t.Name))}");
}
