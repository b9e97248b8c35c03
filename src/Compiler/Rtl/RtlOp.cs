namespace HwFlow.Compiler.Rtl;

/// <summary>
/// The combinational cell kinds of the RTL IR. Signals are plain bit vectors; where signedness
/// matters, the operation says so (LtS, SignExt, Sar). Arithmetic wraps modulo 2^width; the
/// generators size every width so that it never has to. There is deliberately no multiply.
/// </summary>
public enum RtlOp
{
    /// <summary>Out = Value (a constant of the output width).</summary>
    Const,

    /// <summary>Out = In0 (same width): drives an output port or renames a signal.</summary>
    Buffer,

    Not,
    And,
    Or,
    Xor,

    /// <summary>Out = In0 + In1 mod 2^w; all three widths equal.</summary>
    Add,

    /// <summary>Out = In0 - In1 mod 2^w; all three widths equal.</summary>
    Sub,

    /// <summary>1-bit comparisons of two equal-width operands.</summary>
    Eq,
    Ne,
    LtU,
    LtS,
    LeU,
    LeS,

    /// <summary>Out = In0 ? In1 : In2; In0 is 1 bit, In1/In2/Out the same width.</summary>
    Mux,

    /// <summary>Out = {In0, In1, ...}: In0 is the most significant part.</summary>
    Concat,

    /// <summary>Out = In0[Amount + width(Out) - 1 : Amount].</summary>
    Slice,

    /// <summary>Out = In0 zero- or sign-extended to the (not smaller) output width.</summary>
    ZeroExt,
    SignExt,

    /// <summary>Shifts by the constant Amount; the output width equals the input width.</summary>
    ShlConst,
    ShrConst,
    SarConst,

    /// <summary>Shifts In0 by the unsigned value of In1 (a barrel shifter); output width equals In0's.</summary>
    Shl,
    Shr,
    Sar,

    /// <summary>Out = number of ones in In0 (output wide enough to hold width(In0)).</summary>
    Popcount,

    /// <summary>1-bit reductions.</summary>
    ReduceOr,
    ReduceAnd,
}
