using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>What a counted LUT implements, by the RTL cell kind that built it; each class has its own fitted coefficient.</summary>
public enum LutClass
{
    /// <summary>A sum bit of an Add or Sub carry chain.</summary>
    Adder,

    /// <summary>A sum bit of an adder tree (yosys merges it into one $macc: full adders, then a carry chain).</summary>
    AdderTree,

    /// <summary>A sum bit of the adds inside a Popcount.</summary>
    PopcountAdder,

    /// <summary>Equality and ordered comparisons: their logic, and a carry bit whose sum nobody reads.</summary>
    Compare,

    /// <summary>The 3:2 counters of a Popcount.</summary>
    PopcountLogic,

    /// <summary>Multiplexers.</summary>
    Mux,

    /// <summary>A memory kept in LUTs and flip-flops: its word select and write decode.</summary>
    Memory,

    /// <summary>The read multiplexer over the blocks of a memory deeper than one block.</summary>
    BlockRamCascade,

    /// <summary>The read-first bypass yosys puts beside a written block RAM.</summary>
    BlockRamBypass,

    /// <summary>Everything else: bitwise gates and reductions.</summary>
    Logic,

    /// <summary>Shifts by a signal amount (barrel shifters; of a constant, a table lookup).</summary>
    Shift,

    /// <summary>7 series: the read multiplexer over the blocks of an unmarked ROM deeper than one block.</summary>
    RomCascade,

    /// <summary>
    /// A sum bit of an adder tree of at most four operands (<see cref="BitBlaster.SmallTreeLeaves"/>), as the
    /// carry-save products of an HBNN convolution build: synth_xilinx maps such a tree near one LUT
    /// per counted LUT, a wide one (16 or 32 operands) at some 1.6 (measured on cones of fmnist-hbnn-cnn's l4
    /// and tiny-hbnn's l0, BENCHMARKS "Session 17: xc7 gate checks ... small adder trees").
    /// </summary>
    SmallAdderTree,
}

public static class LutClasses
{
    public static readonly LutClass[] All = Enum.GetValues<LutClass>();

    public static LutClass Of(BitOp op, byte kind)
    {
        if (kind == BitBlaster.MemoryLogic) return LutClass.Memory;
        if (kind == BitBlaster.BlockRamCascade) return LutClass.BlockRamCascade;
        if (kind == BitBlaster.RomCascade) return LutClass.RomCascade;
        if (kind == BitBlaster.BlockRamBypass) return LutClass.BlockRamBypass;
        if (kind == BitBlaster.AdderTree) return op is BitOp.Sum or BitOp.Carry ? LutClass.AdderTree : LutClass.Logic;
        if (kind == BitBlaster.SmallAdderTree) return op is BitOp.Sum or BitOp.Carry ? LutClass.SmallAdderTree : LutClass.Logic;
        var cell = (RtlOp)kind;
        bool arith = op is BitOp.Sum or BitOp.Carry;
        return cell switch
        {
            RtlOp.Popcount => arith ? LutClass.PopcountAdder : LutClass.PopcountLogic,
            RtlOp.Add or RtlOp.Sub => arith ? LutClass.Adder : LutClass.Logic,
            RtlOp.Eq or RtlOp.Ne or RtlOp.LtU or RtlOp.LtS or RtlOp.LeU or RtlOp.LeS => LutClass.Compare,
            RtlOp.Mux => LutClass.Mux,
            RtlOp.Shl or RtlOp.Shr or RtlOp.Sar => LutClass.Shift,
            _ => LutClass.Logic,
        };
    }

    public static string Name(LutClass c) => c switch
    {
        LutClass.Adder => "adders",
        LutClass.AdderTree => "adder trees",
        LutClass.PopcountAdder => "popcount adders",
        LutClass.Compare => "comparisons",
        LutClass.PopcountLogic => "popcount counters",
        LutClass.Mux => "multiplexers",
        LutClass.Memory => "logic memories",
        LutClass.BlockRamCascade => "block RAM cascades",
        LutClass.BlockRamBypass => "block RAM bypasses",
        LutClass.Shift => "shifts",
        LutClass.RomCascade => "ROM cascades",
        LutClass.SmallAdderTree => "small adder trees",
        _ => "gates",
    };
}
