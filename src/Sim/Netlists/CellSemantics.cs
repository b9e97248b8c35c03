using System.Numerics;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Netlists;

/// <summary>
/// The meaning of every <see cref="RtlOp"/> on unbounded integers, written as directly as the
/// comments in RtlOp.cs read. The reference interpreter is built on it, and the compiled
/// simulator uses it only to fold cells whose inputs are all constant.
/// </summary>
public static class CellSemantics
{
    public static BigInteger Mask(int width) => (BigInteger.One << width) - 1;

    /// <summary>The two's-complement value of a <paramref name="width"/>-bit vector.</summary>
    public static BigInteger Signed(BigInteger value, int width) =>
        value >= BigInteger.One << (width - 1) ? value - (BigInteger.One << width) : value;

    public static BigInteger Evaluate(RtlCell cell, IReadOnlyList<BigInteger> inputs)
    {
        int w = cell.Output.Width;
        var mask = Mask(w);
        BigInteger In(int i) => inputs[i];
        int InWidth(int i) => cell.Inputs[i].Width;
        static BigInteger FromBool(bool b) => b ? BigInteger.One : BigInteger.Zero;

        return cell.Op switch
        {
            RtlOp.Const => cell.Value,
            RtlOp.Buffer => In(0),
            RtlOp.Not => mask ^ In(0),
            RtlOp.And => In(0) & In(1),
            RtlOp.Or => In(0) | In(1),
            RtlOp.Xor => In(0) ^ In(1),
            RtlOp.Add => (In(0) + In(1)) & mask,
            RtlOp.Sub => (In(0) - In(1)) & mask,
            RtlOp.Eq => FromBool(In(0) == In(1)),
            RtlOp.Ne => FromBool(In(0) != In(1)),
            RtlOp.LtU => FromBool(In(0) < In(1)),
            RtlOp.LeU => FromBool(In(0) <= In(1)),
            RtlOp.LtS => FromBool(Signed(In(0), InWidth(0)) < Signed(In(1), InWidth(1))),
            RtlOp.LeS => FromBool(Signed(In(0), InWidth(0)) <= Signed(In(1), InWidth(1))),
            RtlOp.Mux => In(0).IsZero ? In(2) : In(1),
            RtlOp.Concat => Concat(cell, inputs),
            RtlOp.Slice => (In(0) >> cell.Amount) & mask,
            RtlOp.ZeroExt => In(0),
            RtlOp.SignExt => Signed(In(0), InWidth(0)) & mask,
            RtlOp.ShlConst => (In(0) << cell.Amount) & mask,
            RtlOp.ShrConst => In(0) >> cell.Amount,
            RtlOp.SarConst => (Signed(In(0), w) >> cell.Amount) & mask,
            RtlOp.Shl => In(1) >= w ? BigInteger.Zero : (In(0) << (int)In(1)) & mask,
            RtlOp.Shr => In(1) >= w ? BigInteger.Zero : In(0) >> (int)In(1),
            RtlOp.Sar => (Signed(In(0), w) >> (int)BigInteger.Min(In(1), w)) & mask,
            RtlOp.Popcount => PopCount(In(0)),
            RtlOp.ReduceOr => FromBool(!In(0).IsZero),
            RtlOp.ReduceAnd => FromBool(In(0) == Mask(InWidth(0))),
            _ => throw new NotSupportedException($"cell kind {cell.Op}"),
        };
    }

    private static BigInteger Concat(RtlCell cell, IReadOnlyList<BigInteger> inputs)
    {
        var value = BigInteger.Zero;
        for (int i = 0; i < inputs.Count; i++) value = (value << cell.Inputs[i].Width) | inputs[i];
        return value;
    }

    private static BigInteger PopCount(BigInteger value)
    {
        int count = 0;
        for (; !value.IsZero; value >>= 1) if (!value.IsEven) count++;
        return count;
    }
}
