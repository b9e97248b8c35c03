namespace HwFlow.Sim.Tools;

/// <summary>Every external program HwFlow runs, with its override variable, package and minimum version, in one place.</summary>
public static class Toolchain
{
    /// <summary>5.004: the first with --main and --timing, which the self-running testbenches need (Debian 12 ships 5.006).</summary>
    public static ExternalTool Verilator { get; } = new("verilator", "HWFLOW_VERILATOR", "verilator", "--version", new Version(5, 4));
    public static ExternalTool Yosys { get; } = new("yosys", "HWFLOW_YOSYS", "yosys", "-V", new Version(0, 23));
    public static ExternalTool NextpnrIce40 { get; } = new("nextpnr-ice40", "HWFLOW_NEXTPNR_ICE40", "nextpnr-ice40", "--version", new Version(0, 4));
    public static ExternalTool Icepack { get; } = new("icepack", "HWFLOW_ICEPACK", "fpga-icestorm", "-h", new Version(0, 0));
    public static ExternalTool Icarus { get; } = new("iverilog", "HWFLOW_IVERILOG", "iverilog", "-V", new Version(11, 0));
    public static ExternalTool IcarusRuntime { get; } = new("vvp", "HWFLOW_VVP", "iverilog", "-V", new Version(11, 0));

    public static IReadOnlyList<ExternalTool> All { get; } = [Verilator, Yosys, NextpnrIce40, Icepack, Icarus, IcarusRuntime];
}
