namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// The calibration constants of <see cref="ResourceModel"/>: what one structural unit (an adder
/// bit, a gate bit, a 2:1 multiplexer bit) costs in LUTs, and the fixed cost of the control of a
/// layer. The model counts structure exactly; these constants turn structure into LUTs. The
/// defaults are first guesses for 4-input LUTs (iCE40 logic cells) from how yosys maps each
/// structure; calibrate them by synthesizing generated layers (yosys `stat`) and fitting these
/// numbers, then construct a <see cref="ResourceModel"/> with the fitted values.
/// </summary>
public sealed record ResourceCosts
{
    public static ResourceCosts Default { get; } = new();

    /// <summary>One bit of a two-operand ripple-carry adder, subtractor or comparator: one LUT feeding the carry chain (iCE40 SB_LUT4 + SB_CARRY, 7-series LUT6 + CARRY4).</summary>
    public double LutsPerAdderBit { get; init; } = 1.0;

    /// <summary>One gate bit that does not fold into an adder LUT: a partial-product AND, an XNOR/AND of an activation with a weight bit, a conditional-negation XOR.</summary>
    public double LutsPerGateBit { get; init; } = 1.0;

    /// <summary>One bit of a 2:1 multiplexer (an N:1 multiplexer counts as N-1 of them). A LUT4 holds one; a LUT6 holds a 4:1, about three.</summary>
    public double LutsPerMux2Bit { get; init; } = 1.0;

    /// <summary>
    /// A shift-add product by a constant needs adders only for the constant's nonzero digits; in a
    /// fully parallel layer, whose weights are wired in, such products cost this fraction of the
    /// product by a runtime value of the same width, and need no gates.
    /// </summary>
    public double WiredProductFraction { get; init; } = 0.5;

    /// <summary>Per layer: valid/ready handshake, ping-pong bank select, start/done state, beyond the fold counters.</summary>
    public double ControlLutsPerLayer { get; init; } = 20;

    /// <summary>Per layer: handshake and state flip-flops beyond the fold counters.</summary>
    public int ControlFfsPerLayer { get; init; } = 8;

    /// <summary>Entries of the stream FIFO after each layer (register FIFO, PE x OutputWidth bits wide).</summary>
    public int FifoDepth { get; init; } = 2;
}
