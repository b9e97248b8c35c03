using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// The integer ops: the exact arithmetic the hardware implements. All arithmetic is on 64-bit
/// integers; the compiler guarantees (and checked mode asserts) that every value fits its proven
/// range, which is at most 63 bits wide.
/// </summary>
internal static class IntegerOps
{
    public static object? Prepare(Node node) => node.Op switch
    {
        Ops.Dense or Ops.BinDot => Transposed(node.IntTensor("weights")),
        Ops.PlaneDot => new PlaneDot(node),
        _ => null,
    };

    private static long[] Transposed(IntTensorAttr weights) => RowMajor.Transpose<long>(weights.Data, weights.Shape[0], weights.Shape[1]);

    public static GraphValue Evaluate(Node node, GraphValue[] operands, object? prepared)
    {
        if (node.Op is Ops.Dense or Ops.BinDot or Ops.ChunkSum or Ops.ChunkFactor)
        {
            // the ops of a convolution run on each receptive field: P segments are P rows
            int segments = Segments.Count(node, (node.Op == Ops.ChunkFactor ? operands[^1] : operands[0]).Length);
            if (segments > 1)
            {
                var split = Array.ConvertAll(operands, o => Segments.Split(o, segments));
                var one = node with { Type = node.Type with { Length = node.Type.Length / segments } };
                return Segments.Join(Evaluate(one, split, prepared), segments);
            }
        }
        int rows = operands[0].Rows;
        int length = node.Type.Length;
        double scale = node.Type.Scale;
        switch (node.Op)
        {
            case Ops.Dense:
            {
                var bias = node.IntElements("bias", length);
                return PerRow(rows, length, scale, (r, output) => Dense((IntValue)operands[0], r, (long[])prepared!, bias, output));
            }
            case Ops.BinDot:
            {
                var terms = new BinDotTerms(node, operands[0].Length);
                return PerRow(rows, length, scale, (r, output) => BinDot(terms, operands, r, (long[])prepared!, output));
            }
            case Ops.Relu:
                return Map((IntValue)operands[0], scale, (v, _) => Math.Max(0, v));
            case Ops.Clamp:
            {
                long lo = node.Int("lo"), hi = node.Int("hi");
                return Map((IntValue)operands[0], scale, (v, _) => Math.Clamp(v, lo, hi));
            }
            case Ops.Shift:
            {
                int amount = (int)node.Int("amount");
                return Map((IntValue)operands[0], scale, (v, _) => v >> amount);
            }
            case Ops.Scale:
            {
                int shift = (int)node.Int("shift");
                long[] mul = node.IntElements("mul", length), add = node.IntElements("add", length);
                return Map((IntValue)operands[0], scale, (v, j) => ((v * mul[j]) + add[j]) >> shift);
            }
            case Ops.Threshold:
                return Threshold(node, (IntValue)operands[0]);
            case Ops.ChunkSum:
                return PerRow(rows, length, scale, (r, output) => ChunkSum(node, (IntValue)operands[0], r, output));
            case Ops.ChunkFactor:
                return PerRow(rows, length, scale, (r, output) => ChunkFactor(node, operands, r, output));
            case Ops.Pow2Exponent:
                return PerRow(rows, length, scale, (r, output) => Pow2Exponent(node, operands, r, output));
            case Ops.PwlSigmoid:
            {
                int inFrac = (int)node.Int("in-frac"), frac = (int)node.Int("frac");
                return Map((IntValue)operands[0], scale, (v, _) => PwlSigmoid(v, inFrac, frac));
            }
            case Ops.PlaneDot:
            {
                var dot = (PlaneDot)prepared!;
                return PerRow(rows, length, scale, (r, output) => dot.Evaluate(Integers(operands[0], r), output));
            }
            case Ops.Thresholds:
                return ThresholdCount.Evaluate(node, (IntValue)operands[0]);
            case Ops.ZeroPad:
                return ButterflyOps.ZeroPad(operands[0], length, scale);
            case Ops.Butterfly:
                return ButterflyOps.Butterfly(node, operands[0]);
            case Ops.ArgMax:
                return PerRow(rows, 1, scale, (r, output) => output[0] = ArgMax.Of<long>(((IntValue)operands[0]).Row(r)));
            default:
                throw new InvalidOperationException($"unknown integer op '{node.Op}'");
        }
    }

    private static void Dense(IntValue x, int r, long[] weightsT, long[] bias, long[] output)
    {
        var row = x.Row(r);
        int inputs = x.Length;
        for (int j = 0; j < output.Length; j++)
        {
            long acc = bias[j];
            var w = weightsT.AsSpan(j * inputs, inputs);
            for (int i = 0; i < inputs; i++) acc += row[i] * w[i];
            output[j] = acc;
        }
    }

    /// <summary>
    /// acc_j = bias_j + sum over chunks c of term_cj, with P_cj = sum over the chunk of a_i * w_ij
    /// (a_i the 0/1 or +-1 activation bit, w_ij = +-1). Coefficient form: term = factor_c * P_cj *
    /// coef_cj. Shift form (pow2 scales): term = P_cj &lt;&lt; (code_c - 1 + shift_cj), zero when the
    /// chunk's exponent code is 0 or shift_cj is negative (an all-zero weight chunk).
    /// </summary>
    private static void BinDot(BinDotTerms terms, GraphValue[] operands, int r, long[] weightsT, long[] output)
    {
        var bits = (BitsValue)operands[0];
        var factors = operands.Length > 1 ? (IntValue)operands[1] : null;
        int inputs = bits.Length;
        var (chunks, coef, shifts) = (terms.Chunks, terms.Coef, terms.Shifts);
        var signed = new int[inputs];
        for (int i = 0; i < inputs; i++) signed[i] = bits.Signed(r, i);
        for (int j = 0; j < output.Length; j++)
        {
            long acc = terms.Bias[j];
            var w = weightsT.AsSpan(j * inputs, inputs);
            for (int c = 0; c < chunks.Count; c++)
            {
                long p = 0;
                for (int i = chunks.Start(c); i < chunks.Start(c) + chunks.LengthOf(c); i++) p += signed[i] * w[i];
                long term = p;
                if (shifts is not null)
                {
                    long code = factors is null ? 1 : factors.Data[(r * factors.Length) + c];
                    term = code == 0 || shifts[c, j] < 0 ? 0 : p << (int)(code - 1 + shifts[c, j]);
                }
                else
                {
                    if (factors is not null) term *= factors.Data[(r * factors.Length) + c];
                    if (coef is not null) term *= coef[c, j];
                }
                acc += term;
            }
            output[j] = acc;
        }
    }

    /// <summary>A bin-dot's attributes, read once per evaluation rather than per row and output.</summary>
    private sealed class BinDotTerms(Node node, int inputs)
    {
        public Chunks Chunks { get; } = new(inputs, (int)node.Int("chunk"));
        public IntTensorAttr? Coef { get; } = node.Find("coef") as IntTensorAttr;
        public IntTensorAttr? Shifts { get; } = node.Find("shift") as IntTensorAttr;
        public long[] Bias { get; } = node.IntElements("bias", node.Type.Length);
    }

    private static BitsValue Threshold(Node node, IntValue x)
    {
        var data = new byte[x.Data.Length];
        var directions = node.Has("dir") ? node.IntElements("dir", x.Length) : Enumerable.Repeat(1L, x.Length).ToArray();
        var thresholds = node.IntElements("t", x.Length);
        for (int r = 0; r < x.Rows; r++)
        {
            for (int j = 0; j < x.Length; j++)
                data[(r * x.Length) + j] = directions[j] * x.Data[(r * x.Length) + j] >= thresholds[j] ? (byte)1 : (byte)0;
        }
        return new BitsValue(x.Rows, x.Length, data, node.Type.Encoding);
    }

    private static void ChunkSum(Node node, IntValue x, int r, long[] output)
    {
        var chunks = new Chunks(x.Length, (int)node.Int("chunk"));
        var row = x.Row(r);
        for (int c = 0; c < chunks.Count; c++)
        {
            long sum = 0;
            for (int i = chunks.Start(c); i < chunks.Start(c) + chunks.LengthOf(c); i++) sum += Math.Abs(row[i]);
            output[c] = sum;
        }
    }

    /// <summary>Per chunk: the popcount of the bits, times the chunk sum when one is given.</summary>
    private static void ChunkFactor(Node node, GraphValue[] operands, int r, long[] output)
    {
        var bits = (BitsValue)operands[^1];
        var sums = operands.Length > 1 ? (IntValue)operands[0] : null;
        var chunks = new Chunks(bits.Length, (int)node.Int("chunk"));
        var row = bits.Row(r);
        for (int c = 0; c < chunks.Count; c++)
        {
            long ones = 0;
            for (int i = chunks.Start(c); i < chunks.Start(c) + chunks.LengthOf(c); i++) ones += row[i];
            output[c] = sums is null ? ones : ones * sums.Data[(r * sums.Length) + c];
        }
    }

    /// <summary>
    /// Code of the power of two nearest a chunk mean: with a chunk sum S, code = the number of
    /// thresholds[c, *] that S reaches (thresholds[c, 0] = 1, so 0 means S = 0); without one,
    /// code = 1 when the chunk has a one bit, else 0. With a popcount table (0/1 bits), a nonzero
    /// code grows by table[c, popcount of the chunk's bits].
    /// </summary>
    private static void Pow2Exponent(Node node, GraphValue[] operands, int r, long[] output)
    {
        var sums = operands[0] as IntValue;
        var bits = operands[^1] as BitsValue;
        var thresholds = node.Find("thresholds") as IntTensorAttr;
        var table = node.Find("popcount-table") as IntTensorAttr;
        var chunks = bits is null ? default : new Chunks(bits.Length, (int)node.Int("chunk"));
        for (int c = 0; c < output.Length; c++)
        {
            long ones = 0;
            if (bits is not null)
            {
                var row = bits.Row(r);
                for (int i = chunks.Start(c); i < chunks.Start(c) + chunks.LengthOf(c); i++) ones += row[i];
            }
            long code = 0;
            if (sums is not null && thresholds is not null)
            {
                long s = sums.Data[(r * sums.Length) + c];
                while (code < thresholds.Shape[1] && s >= thresholds[c, (int)code]) code++;
            }
            else
            {
                code = ones > 0 ? 1 : 0;
            }
            if (code > 0 && table is not null) code += table[c, (int)ones];
            output[c] = code;
        }
    }

    /// <summary>
    /// PLAN (Amin, Curtis, Hayes-Gill 1997), a sigmoid with power-of-two slopes: for a = |x|,
    /// y = 1 (a &gt;= 5), a/32 + 27/32 (a &gt;= 2.375), a/8 + 5/8 (a &gt;= 1), a/4 + 1/2; y(-x) = 1 - y(x).
    /// x has inFrac fraction bits, y has frac (&gt;= 5) fraction bits; the slope products truncate.
    /// </summary>
    public static long PwlSigmoid(long x, int inFrac, int frac)
    {
        long a = Math.Abs(x);
        long one = 1L << frac;
        long y;
        if (a >= 5L << inFrac) y = one;
        else if (a * 8 >= 19L << inFrac) y = ShiftBy(a, frac - inFrac - 5) + (27L << (frac - 5));
        else if (a >= 1L << inFrac) y = ShiftBy(a, frac - inFrac - 3) + (5L << (frac - 3));
        else y = ShiftBy(a, frac - inFrac - 2) + (1L << (frac - 1));
        return x < 0 ? one - y : y;
    }

    private static long ShiftBy(long v, int left) => left >= 0 ? v << left : v >> -left;

    /// <summary>Row <paramref name="r"/> of an integer value, or of bits read as 0/1.</summary>
    private static long[] Integers(GraphValue value, int r) => value switch
    {
        IntValue ints => ints.Row(r).ToArray(),
        BitsValue bits => Enumerable.Range(0, bits.Length).Select(i => (long)bits.Data[(r * bits.Length) + i]).ToArray(),
        _ => throw new InvalidOperationException("an integer op read real values"),
    };

    private static IntValue PerRow(int rows, int length, double scale, Action<int, long[]> rowKernel)
    {
        var data = new long[rows * length];
        Parallel.For(0, rows, () => new long[length], (r, _, buffer) =>
        {
            rowKernel(r, buffer);
            buffer.CopyTo(data, r * length);
            return buffer;
        }, _ => { });
        return new IntValue(rows, length, data, scale);
    }

    private static IntValue Map(IntValue x, double scale, Func<long, int, long> f)
    {
        var data = new long[x.Data.Length];
        for (int r = 0; r < x.Rows; r++)
        {
            for (int j = 0; j < x.Length; j++) data[(r * x.Length) + j] = f(x.Data[(r * x.Length) + j], j);
        }
        return new IntValue(x.Rows, x.Length, data, scale);
    }
}
