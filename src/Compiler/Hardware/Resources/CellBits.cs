using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// One RTL cell as bit-level nodes, shaped as yosys maps it: Add, Sub and the ordered comparisons
/// as carry chains, Eq/Ne, multiplexers, reductions and barrel shifts as logic, and Popcount as
/// the emitter writes it (3:2 counters in logic, then a chain of adds).
/// </summary>
public static class CellBits
{
    public static int[] Blast(BitGraph g, RtlCell cell, int[][] i)
    {
        int w = cell.Output.Width;
        switch (cell.Op)
        {
            case RtlOp.Const: return BitGraph.Constant(cell.Value, w);
            case RtlOp.Buffer: return i[0];
            case RtlOp.Not: return [.. i[0].Select(g.Not)];
            case RtlOp.And: return Zip(i[0], i[1], g.And);
            case RtlOp.Or: return Zip(i[0], i[1], g.Or);
            case RtlOp.Xor: return Zip(i[0], i[1], g.Xor);
            case RtlOp.Add: return Add(g, i[0], i[1], BitGraph.Zero).Sum;
            case RtlOp.Sub: return Add(g, i[0], [.. i[1].Select(g.Not)], BitGraph.One).Sum;
            case RtlOp.Eq: return [Equal(g, i[0], i[1])];
            case RtlOp.Ne: return [g.Not(Equal(g, i[0], i[1]))];
            case RtlOp.LtU: return [Less(g, i[0], i[1], signed: false)];
            case RtlOp.LtS: return [Less(g, i[0], i[1], signed: true)];
            case RtlOp.LeU: return [g.Not(Less(g, i[1], i[0], signed: false))];
            case RtlOp.LeS: return [g.Not(Less(g, i[1], i[0], signed: true))];
            case RtlOp.Mux: return Zip(i[1], i[2], (t, f) => g.Mux(i[0][0], t, f));
            case RtlOp.Concat: return [.. i.Reverse().SelectMany(x => x)];
            case RtlOp.Slice: return i[0][cell.Amount..(cell.Amount + w)];
            case RtlOp.ZeroExt: return [.. i[0], .. Enumerable.Repeat(BitGraph.Zero, w - i[0].Length)];
            case RtlOp.SignExt: return [.. i[0], .. Enumerable.Repeat(i[0][^1], w - i[0].Length)];
            case RtlOp.ShlConst: return [.. Enumerable.Range(0, w).Select(b => b - cell.Amount >= 0 ? i[0][b - cell.Amount] : BitGraph.Zero)];
            case RtlOp.ShrConst: return [.. Enumerable.Range(0, w).Select(b => b + cell.Amount < w ? i[0][b + cell.Amount] : BitGraph.Zero)];
            case RtlOp.SarConst: return [.. Enumerable.Range(0, w).Select(b => i[0][Math.Min(b + cell.Amount, w - 1)])];
            case RtlOp.Shl or RtlOp.Shr or RtlOp.Sar: return Shift(g, cell.Op, i[0], i[1]);
            case RtlOp.Popcount: return Popcount(g, i[0], w);
            case RtlOp.ReduceOr: return [Reduce(g, i[0], g.Or)];
            case RtlOp.ReduceAnd: return [Reduce(g, i[0], g.And)];
            default: throw new InvalidOperationException($"no bit-level form for {cell.Op}");
        }
    }

    /// <summary>A ripple-carry adder (the carry chain of SB_CARRY or CARRY4): its sum and the carry out.</summary>
    public static (int[] Sum, int Carry) Add(BitGraph g, int[] a, int[] b, int carry)
    {
        var sum = new int[a.Length];
        // both operands sign-extended above bit m: the sum needs bits up to m + 1, the rest copy
        // bit m + 1 (yosys's wreduce shortens such an adder the same way)
        int m = a.Length - 1;
        while (m > 0 && a[m - 1] == a[m] && b[m - 1] == b[m]) m--;
        int top = Math.Min(a.Length - 1, m + 1);
        for (int k = 0; k <= top; k++) (sum[k], carry) = g.Adder(a[k], b[k], carry);
        for (int k = top + 1; k < a.Length; k++) sum[k] = sum[top];
        return (sum, carry);
    }

    private static int Less(BitGraph g, int[] a, int[] b, bool signed)
    {
        if (signed)
        {
            a = [.. a[..^1], g.Not(a[^1])];
            b = [.. b[..^1], g.Not(b[^1])];
        }
        // a < b exactly when a - b borrows: the carry out of a + ~b + 1 is 0
        int carry = BitGraph.One;
        for (int k = 0; k < a.Length; k++) carry = g.Adder(a[k], g.Not(b[k]), carry).Carry;
        return g.Not(carry);
    }

    private static int Equal(BitGraph g, int[] a, int[] b) => Reduce(g, Zip(a, b, (x, y) => g.Not(g.Xor(x, y))), g.And);

    private static int Reduce(BitGraph g, int[] bits, Func<int, int, int> op)
    {
        var level = bits.ToList();
        while (level.Count > 1)
        {
            var next = new List<int>();
            for (int k = 0; k + 1 < level.Count; k += 2) next.Add(op(level[k], level[k + 1]));
            if (level.Count % 2 == 1) next.Add(level[^1]);
            level = next;
        }
        return level[0];
    }

    private static int[] Shift(BitGraph g, RtlOp op, int[] a, int[] amount)
    {
        int w = a.Length;
        int needed = BitWidth.ToHold(w);
        int fill = op == RtlOp.Sar ? a[^1] : BitGraph.Zero;
        var value = a;
        for (int s = 0; s < Math.Min(needed, amount.Length); s++)
        {
            int by = 1 << s;
            var shifted = Enumerable.Range(0, w).Select(b => op == RtlOp.Shl
                ? (b - by >= 0 ? value[b - by] : BitGraph.Zero)
                : (b + by < w ? value[b + by] : fill)).ToArray();
            value = Zip(shifted, value, (t, f) => g.Mux(amount[s], t, f));
        }
        if (amount.Length > needed)
        {
            int over = Reduce(g, amount[needed..], g.Or);
            value = [.. value.Select(v => g.Mux(over, fill, v))];
        }
        return value;
    }

    private static int[] Popcount(BitGraph g, int[] input, int width)
    {
        if (input.Length == 1) return [input[0], .. Enumerable.Repeat(BitGraph.Zero, width - 1)];
        int[]? total = null;
        for (int k = 0; k < input.Length; k += 3)
        {
            var term = new int[width];
            int n = Math.Min(3, input.Length - k);
            if (n == 1) term[0] = input[k];
            else if (n == 2) { term[0] = g.Xor(input[k], input[k + 1]); term[1] = g.And(input[k], input[k + 1]); }
            else { term[0] = g.Xor(g.Xor(input[k], input[k + 1]), input[k + 2]); term[1] = g.Maj(input[k], input[k + 1], input[k + 2]); }
            total = total is null ? term : Add(g, total, term, BitGraph.Zero).Sum;
        }
        return total!;
    }

    private static int[] Zip(int[] a, int[] b, Func<int, int, int> f) => [.. a.Zip(b, f)];
}
