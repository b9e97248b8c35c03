using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Resources;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// iCE40 logic cells of a design counted from its RTL. An iCE40 logic cell holds one LUT4 and one
/// flip-flop, but nextpnr pairs a flip-flop only with the LUT that feeds it alone, so a register fed
/// straight from another register, a block RAM, a port or a LUT with other readers takes a cell of
/// its own: the device's limit is logic cells, not LUTs, and a design whose LUTs are under the
/// budget may still not place. Until session 13 the cells were a least-squares blend of the
/// parametric model's LUTs and flip-flops (1.44 x LUT + 0.30 x FF, less a bank-pair term), which
/// was 59-90% over on the TFC_1W1A designs and 15% under on a TFC_1W2A one.
/// </summary>
public static class LogicCells
{
    /// <summary>
    /// The share of the device's cells a folding may plan for: the rest is the count's error and
    /// room for placement. 95% (session 13) refused fmnist-tiny's 20,000 frames/s design once the
    /// LUT fit of session 14 counted it at 95.3% (it places at 96.5%). Designs placed at 96.5% and
    /// 97.0%; one failed at 96.8% (register-heavy, see <see cref="PerCountedCell"/>) and two at 99%.
    /// </summary>
    public const double Share = 0.96;

    /// <summary>
    /// Logic cells of a design counted from its RTL: each LUT takes a cell, and so does each
    /// flip-flop no LUT can share one with (<see cref="RtlPartCount.LoneFfs"/>), scaled by
    /// <see cref="PerCountedCell"/>; null on LUT6 fabrics.
    /// </summary>
    public static long? Of(LogicFabric fabric, IReadOnlyList<RtlPartCount> counted) =>
        fabric != LogicFabric.Lut4 ? null
        : (long)Math.Ceiling(PerCountedCell * counted.Sum(p => RtlResourceCoefficients.Luts(p, fabric) + p.LoneFfs));

    /// <summary>
    /// nextpnr's placed cells per cell of yosys's LUTs and the lone flip-flops: 1.005-1.042 (mean
    /// 1.016) over nine `--device` designs placed in sessions 9-12 whose RTL is unchanged
    /// (BENCHMARKS.md, "Session 13: compile --device by the RTL count"). What it covers: carry
    /// chains that need a cell to start, and flip-flops kept apart because their clock enable or
    /// reset differs from their neighbours'. The rest of the cell count's error is the LUT count's.
    /// 1.025 was chosen in session 13 to separate two designs at the UP5K's edge; with session 14's
    /// LUT fit the cells counted are 2.4% under to 3.4% over the placed ones. Placement is not
    /// decided by the cell count alone (a logic block's eight cells share one clock enable and
    /// set/reset): a register-heavy TFC_1W2A did not place at 96.8% where TFC_2W2A did at 97.0%,
    /// so a design counted near the budget may still not place, and synth says so as a model bug.
    /// </summary>
    public const double PerCountedCell = 1.025;

    /// <summary>The cells a folding for <paramref name="device"/> may use (LUT4 fabrics only).</summary>
    public static long? Budget(Device device) => device.Fabric == LogicFabric.Lut4 ? (long)Math.Floor(device.Luts * Share) : null;
}
