using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Tests.Support;

namespace HwFlow.Sim.Tests;

/// <summary>
/// Lane values the simulator never stores: a wide register shifted in and rotated through
/// slices, concatenations and muxes (a layer's input buffer), whose links are fetched straight
/// from the register inside their one reader, and small lookup tables (a 1-bit slice of a
/// constant shifted by one to three bits: XNOR, full-adder sum and carry) computed as one
/// VPTERNLOGQ. Every lane equals a single-lane simulation, every signal (the unstored ones
/// recomputed when peeked), every cycle, in the AVX-512 and the portable forms.
/// </summary>
public sealed class LaneFieldTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rotated_wide_buffers_and_table_lookups_match_in_every_lane(bool portable)
    {
        var design = BufferAndTables(width: 200, beat: 2, rotate: 66);
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 120, seed: 5, s => s.Name is "data" or "x", portable));
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 120, seed: 6, s => s.Name == "x", portable));
    }

    private static RtlDesign BufferAndTables(int width, int beat, int rotate)
    {
        var m = new ModuleBuilder("fields", withReset: false);
        var data = m.Input("data", beat);
        var x = m.Input("x", 3);
        var fill = m.Input("fill", 1);
        var shared = m.Input("shared", 1);
        // The buffer: shift a beat in at the top (fill) or rotate by `rotate` bits.
        var bits = m.Register("bits", width, useReset: false);
        var shiftedIn = m.Concat(m.Slice(bits, width - 16, 16), m.Concat(data, m.Slice(bits, beat, width - 16 - beat)));
        var rotated = m.Concat(m.Slice(bits, 0, rotate), m.Slice(bits, rotate, width - rotate));
        m.Next(bits, m.Mux(fill, shiftedIn, rotated));
        // A window of the buffer, through a wide mux no one else reads, then shifted and extended.
        var other = m.Register("other", width, useReset: false);
        m.Next(other, m.ShiftRightLogical(bits, 3));
        var window = m.Slice(m.Mux(shared, other, bits), 5, 70);
        m.Assign(m.Output("window", 80), m.ZeroExtend(m.ShiftLeft(m.ZeroExtend(window, 75), 4), 80));
        // Tables over one, two and three bits, each read once and one read twice.
        var a = m.Bit(x, 0);
        var b = m.Bit(x, 1);
        var c = m.Bit(bits, 7); // read only by one table's amount: fetched from the register inside the table
        var xnor = m.Bit(m.Shift(RtlOp.Shr, m.Const(0x9, 4), m.Concat(a, b)), 0);
        var sum = m.Bit(m.Shift(RtlOp.Shr, m.Const(0x96, 8), m.Concat(c, b, a)), 0);
        var carry = m.Bit(m.Shift(RtlOp.Shr, m.Const(0xE8, 8), m.Concat(m.Bit(bits, 9), b, a)), 0);
        var upper = m.Bit(m.Shift(RtlOp.Shr, m.Const(0x6, 3), m.Concat(shared, a)), 1); // bit 1 of a 3-bit table: past its width reads 0
        var single = m.Bit(m.Shift(RtlOp.Shr, m.Const(0x1, 2), m.Bit(x, 2)), 0); // a NOT of one bit
        var amount = m.Concat(a, c);
        var twice = m.Bit(m.Shift(RtlOp.Shr, m.Const(0x7, 4), amount), 0);
        m.Assign(m.Output("tables", 7), m.Concat(xnor, sum, carry, upper, single, twice, m.ReduceOr(amount)));
        return new RtlDesign([m.Build()], "fields");
    }
}
