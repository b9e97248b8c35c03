using HwFlow.Sim.Tools;
using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga;

/// <summary>The external programs the FPGA flow runs; tests swap one out to see a missing tool reported.</summary>
public sealed record FpgaTools(ExternalTool Yosys, ExternalTool Nextpnr, ExternalTool Icepack)
{
    public static FpgaTools Default { get; } = new(Toolchain.Yosys, Toolchain.NextpnrIce40, Toolchain.Icepack);

    /// <summary>The tools a target's flow needs, so a missing one is reported before any work starts.</summary>
    public IReadOnlyList<ExternalTool> For(FpgaTarget target) =>
        target.Family == FpgaFamily.Ice40 ? [Yosys, Nextpnr, Icepack] : [Yosys];

    /// <summary>
    /// A file from yosys's data folder (the `+/` prefix in yosys scripts), such as the iCE40 cell
    /// models. This yosys build has no yosys-config, so the folder is found next to the program.
    /// </summary>
    public string YosysDataFile(string relative)
    {
        Yosys.EnsureUsable();
        var besideProgram = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Yosys.Path!)!, "..", "share", "yosys", relative));
        string[] candidates = [besideProgram, Path.Combine("/usr/share/yosys", relative)];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new UserError($"yosys's data file {relative} was not found at {besideProgram} (reinstall the Debian package {Yosys.DebianPackage})");
    }
}
