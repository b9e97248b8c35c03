namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// The calibration constants of <see cref="ResourceModel"/>: what one unit of each structure
/// costs in LUTs. The model counts structure exactly; these constants turn it into LUTs. The
/// defaults are 4-input LUTs as yosys 0.23 `synth_ice40` maps hand-written primitives of the
/// kind the generator emits (reproduce with `dotnet run -c Release bench/resource-calibration.cs`,
/// which prints each primitive's measured LUTs next to these constants). To calibrate against
/// generated layers, fit these numbers to yosys `stat` and construct a <see cref="ResourceModel"/>
/// with the fitted record (another target, e.g. 6-input LUTs, is another record).
/// </summary>
public sealed record ResourceCosts
{
    public static ResourceCosts Default { get; } = new();

    /// <summary>A bit of a two-operand adder, accumulator or counter: one LUT beside the carry chain (add32 1.0, acc48 1.0).</summary>
    public double LutsPerCarryAdderBit { get; init; } = 1.0;

    /// <summary>A bit of a signed magnitude comparison (threshold, argmax): the operand inversion takes a LUT of its own (cmp32 1.97).</summary>
    public double LutsPerComparatorBit { get; init; } = 2.0;

    /// <summary>
    /// A full-adder bit of a sum of three or more operands: yosys merges such sums into one
    /// carry-save tree (alumacc, maccmap), (operands - 2) rows of full adders, then one carry adder
    /// (4 x 24: 1.83, 8 x 12: 1.63, 16 x 18: 1.71).
    /// </summary>
    public double LutsPerFullAdderBit { get; init; } = 1.7;

    /// <summary>A popcount input, compression and final add included (16, 64, 256 inputs: 1.63, 1.91, 2.02).</summary>
    public double LutsPerPopcountInput { get; init; } = 2.0;

    /// <summary>The XNOR/AND of an activation bit with a weight bit in front of a popcount, beyond the popcount itself (0.56, 0.61, 0.67).</summary>
    public double LutsPerWeightGate { get; init; } = 0.6;

    /// <summary>
    /// A partial-product bit of a shift-add product by a runtime value (multiplier bits x
    /// multiplicand bits), its carry-save sum included; the final carry adder is counted apart
    /// (8 x 10: 2.61, 6 x 31: 2.03, 12 x 37: 2.43; 16 lanes of 8 x 10 merged with their lane sum: 2.93).
    /// </summary>
    public double LutsPerPartialProductBit { get; init; } = 2.6;

    /// <summary>An input bit of a +-1 weight product (conditional negation), its share of the lane sum beyond the plain sum (16 lanes x 8 bits: 2.6).</summary>
    public double LutsPerNegateBit { get; init; } = 2.6;

    /// <summary>A bit of a 2:1 multiplexer; an N:1 multiplexer counts N-1 (2:1 x 64: 1.0, 16:1 x 32: 0.84, 64:1: 0.76, 512:1: 0.82, 48-bit 5-stage barrel shifter: 0.92).</summary>
    public double LutsPerMux2Bit { get; init; } = 0.85;

    /// <summary>
    /// A shift-add product by a constant needs adders only for the constant's nonzero digits: in a
    /// fully parallel layer, whose weights are wired in, a product costs this fraction of the
    /// partial-product bits of the product by a runtime value (16 lanes of 8-bit inputs times
    /// random 10-bit constants against the same with runtime weights: 0.17).
    /// </summary>
    public double WiredProductFraction { get; init; } = 0.17;

    /// <summary>
    /// A pow2 exponent code's threshold comparison, per threshold and chunk-sum bit, the popcount
    /// of the reached thresholds included: comparisons with constants as balanced trees, no carry
    /// chain (20 thresholds x 19 bits: 93 LUTs for pow2 training's near-power-of-two thresholds,
    /// 139 for random ones; 15 x 12 random: 57).
    /// </summary>
    public double LutsPerPow2CodeThresholdBit { get; init; } = 0.3;

    /// <summary>Per layer: valid/ready handshake, ping-pong bank select, start/done state, beyond the fold counters (a guess, not yet measured).</summary>
    public double ControlLutsPerLayer { get; init; } = 20;

    /// <summary>Per layer: handshake and state flip-flops beyond the fold counters (a guess, not yet measured).</summary>
    public int ControlFfsPerLayer { get; init; } = 8;

    /// <summary>Per-component scales fitted against yosys (bench/resource-fit.cs); <see cref="ResourceCalibration.None"/> is the structural count alone.</summary>
    public ResourceCalibration Calibration { get; init; } = ResourceCalibration.Ice40;

    /// <summary>Entries of the stream FIFO after each layer (register FIFO, PE x OutputWidth bits wide).</summary>
    public int FifoDepth { get; init; } = 2;
}
