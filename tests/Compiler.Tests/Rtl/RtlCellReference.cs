using System.Numerics;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Rtl;

/// <summary>
/// The meaning of each combinational cell written directly from the comments on
/// <see cref="RtlOp"/>, over BigInteger: the oracle the emitted Verilog is compared with.
/// </summary>
internal static class RtlCellReference
{
    public static BigInteger Mask(int width) => (BigInteger.One << width) - 1;

    public static BigInteger Signed(BigInteger value, int width) => value >= BigInteger.One << (width - 1) ? value - (BigInteger.One << width) : value;

    /// <summary>Values of every signal driven by a cell, given the input ports' values (cells may come in any order).</summary>
    public static Dictionary<RtlSignal, BigInteger> Evaluate(RtlModule module, IReadOnlyDictionary<RtlSignal, BigInteger> inputs)
    {
        var values = new Dictionary<RtlSignal, BigInteger>(inputs);
        var pending = module.Cells.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(c => c.Inputs.All(values.ContainsKey)).ToList();
            if (ready.Count == 0) throw new InvalidOperationException("cells depend on values the reference cannot compute");
            foreach (var cell in ready) values[cell.Output] = Cell(cell, [.. cell.Inputs.Select(i => values[i])]);
            pending.RemoveAll(ready.Contains);
        }
        return values;
    }

    public static BigInteger Cell(RtlCell cell, BigInteger[] v)
    {
        var i = cell.Inputs;
        int w = cell.Output.Width;
        var m = Mask(w);
        BigInteger Bool(bool b) => b ? BigInteger.One : BigInteger.Zero;
        int Clamp(BigInteger amount) => (int)BigInteger.Min(amount, i[0].Width);
        return cell.Op switch
        {
            RtlOp.Const => cell.Value,
            RtlOp.Buffer => v[0],
            RtlOp.Not => ~v[0] & m,
            RtlOp.And => v[0] & v[1],
            RtlOp.Or => v[0] | v[1],
            RtlOp.Xor => v[0] ^ v[1],
            RtlOp.Add => (v[0] + v[1]) & m,
            RtlOp.Sub => (v[0] - v[1]) & m,
            RtlOp.Eq => Bool(v[0] == v[1]),
            RtlOp.Ne => Bool(v[0] != v[1]),
            RtlOp.LtU => Bool(v[0] < v[1]),
            RtlOp.LeU => Bool(v[0] <= v[1]),
            RtlOp.LtS => Bool(Signed(v[0], i[0].Width) < Signed(v[1], i[1].Width)),
            RtlOp.LeS => Bool(Signed(v[0], i[0].Width) <= Signed(v[1], i[1].Width)),
            RtlOp.Mux => v[0].IsZero ? v[2] : v[1],
            RtlOp.Concat => Enumerable.Range(0, i.Count).Aggregate(BigInteger.Zero, (acc, k) => (acc << i[k].Width) | v[k]),
            RtlOp.Slice => (v[0] >> cell.Amount) & m,
            RtlOp.ZeroExt => v[0],
            RtlOp.SignExt => Signed(v[0], i[0].Width) & m,
            RtlOp.ShlConst => (v[0] << cell.Amount) & m,
            RtlOp.ShrConst => v[0] >> cell.Amount,
            RtlOp.SarConst => (Signed(v[0], w) >> cell.Amount) & m,
            RtlOp.Shl => (v[0] << Clamp(v[1])) & m,
            RtlOp.Shr => v[0] >> Clamp(v[1]),
            RtlOp.Sar => (Signed(v[0], w) >> Clamp(v[1])) & m,
            RtlOp.Popcount => Enumerable.Range(0, i[0].Width).Count(b => !(v[0] >> b & 1).IsZero),
            RtlOp.ReduceOr => Bool(!v[0].IsZero),
            RtlOp.ReduceAnd => Bool(v[0] == Mask(i[0].Width)),
            _ => throw new InvalidOperationException(cell.Op.ToString()),
        };
    }
}
