using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Resources;

namespace HwFlow.Compiler.Hardware.Devices;

/// <summary>
/// iCE40 logic cells from the resource model's LUTs and flip-flops. An iCE40 logic cell holds one
/// LUT4 and one flip-flop, but nextpnr pairs a flip-flop only with the LUT that feeds it, so a
/// register fed straight from another register, a block RAM or a carry chain takes a cell of its
/// own: the device's limit is logic cells, not LUTs, and a design whose LUTs are under the budget
/// may still not place (TFC_1W2A at 392 cycles: 3,985 LUTs estimated, 6,678 cells placed).
/// The weights are a least-squares fit, without intercept, of nextpnr's placed cell counts against
/// the estimate's LUTs and flip-flops over every `compile --device` then `synth` run of session 6
/// (BENCHMARKS.md, "Session 6: compile --device then synth on every example"). A binary layer's
/// input bank bit is a multiplexer feeding its own flip-flop, one cell for both: on bit-plane layers,
/// whose banks are the bulk of the design (TFC_1W2A: 3,136 bank bits), PerInputBankPair of the
/// smaller of the banks' LUTs and flip-flops comes off, fitted in session 9 on five placed TFC
/// designs (0.45-0.60; TFC_1W2A's smallest design did not place at 5,112 cells, so the low end).
/// On the other layers the placed designs showed no such saving (fmnist-tiny: about 0), and it is
/// not counted there (BENCHMARKS.md, "Session 9: bit-plane input banks").
/// </summary>
public static class LogicCells
{
    public const double PerLut = 1.44;
    public const double PerFf = 0.30;
    public const double PerInputBankPair = 0.45;

    /// <summary>The share of the device's cells a folding may plan for: the rest is the fit's error and room for routing.</summary>
    public const double Share = 0.95;

    /// <summary>Logic cells <paramref name="estimate"/> needs on a LUT4 fabric; null on LUT6 fabrics, whose slices this does not model.</summary>
    public static long? Of(LogicFabric fabric, DesignResources estimate)
    {
        if (fabric != LogicFabric.Lut4) return null;
        var costs = ResourceCosts.Default; // the costs every device estimate is made with (ResourceModel.Default)
        double pairs = estimate.Layers.Concat(estimate.Glue).SelectMany(stage => stage.Terms)
            .Where(t => t.PairsWithFlipFlops)
            .Sum(t => Math.Min(t.Luts(costs), t.ScaledFfs(costs)));
        return (long)Math.Ceiling((PerLut * estimate.Luts) + (PerFf * estimate.Ffs) - (PerInputBankPair * pairs));
    }

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
