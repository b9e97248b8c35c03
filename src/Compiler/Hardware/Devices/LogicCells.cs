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
    /// room for placement. With the session-14 LUT fit, counted cells were 1.3% under to 3.4% over
    /// nextpnr's on twelve placed designs; a design counted at 96% is then placed at 97.2% at most,
    /// about the fullest UP5K design placed (TFC_2W2A, 97.0%), while both that failed were at 99%
    /// and more. 95% (session 13) refused fmnist-tiny's 20,000 frames/s design (counted 95.3%,
    /// placed 96.5%).
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
    /// 1.025 is where two placed designs at the UP5K's edge both come out right: fmnist-tiny at
    /// 1,568 cycles (4,882 counted, placed at 96.5%) fits, TFC_1W2A at 5,056 (4,897 counted, 99%
    /// packed, no legal placement) does not. Only 0.3% separates them: a design counted within a
    /// few percent of the budget may still not place, and synth says so as a model bug.
    /// </summary>
    public const double PerCountedCell = 1.025;

    /// <summary>The cells a folding for <paramref name="device"/> may use (LUT4 fabrics only).</summary>
    public static long? Budget(Device device) => device.Fabric == LogicFabric.Lut4 ? (long)Math.Floor(device.Luts * Share) : null;
}
