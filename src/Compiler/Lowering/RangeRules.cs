using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;


namespace HwFlow.Compiler.Lowering;

/// <summary>
/// Interval analysis: for an integer op, the range every element of its result provably stays
/// in, given its operands' ranges and its constant attributes. Computed in 128-bit arithmetic;
/// a range wider than 63 bits is refused (the golden kernel and the hardware use at most that).
/// </summary>
public static class RangeRules
{
    public const int MaxWidth = 63;

    /// <summary>The type of <paramref name="node"/>'s result with its range (and scale) recomputed.</summary>
    public static GraphType Infer(Node node, Func<string, GraphType> operandType)
    {
        var t = node.Type;
        (Int128 lo, Int128 hi) = node.Op switch
        {
            Ops.Input => (0, 255),
            Ops.Dense or Ops.PlaneDot => Dense(node, operandType(node.Operands[0])),
            Ops.Thresholds => Thresholds(node),
            Ops.BinDot => BinDot(node, node.Operands.Select(operandType).ToArray()),
            Ops.Relu => Relu(operandType(node.Operands[0])),
            Ops.Clamp => Clamp(node, operandType(node.Operands[0])),
            Ops.Shift => Shift(node, operandType(node.Operands[0])),
            Ops.Scale => Scale(node, operandType(node.Operands[0])),
            Ops.ChunkSum => ChunkSum(node, operandType(node.Operands[0])),
            Ops.ChunkFactor => ChunkFactor(node, node.Operands.Select(operandType).ToArray()),
            Ops.Pow2Exponent => (0, Pow2CodeMax(node)),
            Ops.PwlSigmoid => (0, (Int128)1 << (int)node.Int("frac")),
            Ops.ArgMax => (0, operandType(node.Operands[0]).Length - 1),
            Ops.ZeroPad => ButterflyRanges.ZeroPad(node, operandType(node.Operands[0])),
            Ops.Butterfly => ButterflyRanges.Butterfly(node, operandType(node.Operands[0])),
            // +-1 bits through a window that reaches padding are the integers -1, 0, +1
            Ops.Window when operandType(node.Operands[0]) is { Kind: ValueKind.Bits, Encoding: BitEncoding.PlusMinus } => (-1, 1),
            Ops.Window => (Int128.Min(0, operandType(node.Operands[0]).Min), Int128.Max(0, operandType(node.Operands[0]).Max)),
            Ops.MaxPool => (operandType(node.Operands[0]).Min, operandType(node.Operands[0]).Max),
            Ops.Output => (operandType(node.Operands[0]).Min, operandType(node.Operands[0]).Max),
            _ => throw new InvalidOperationException($"no range rule for {node.Op}"),
        };
        if (lo < long.MinValue / 2 || hi > long.MaxValue / 2)
            throw new UserError($"{ModelImporter.Describe(node)}: %{node.Name} would need more than {MaxWidth} bits (range [{lo}, {hi}]); use fewer --coef-bits, --first-layer-bits or --activation-bits");
        return t with { Kind = ValueKind.Int, Min = (long)lo, Max = (long)hi };
    }

    private static (Int128, Int128) Dense(Node node, GraphType x)
    {
        var w = node.IntTensor("weights");
        int inputs = w.Shape[0], outputs = w.Shape[1];
        Int128 lo = Int128.MaxValue, hi = Int128.MinValue;
        for (int j = 0; j < outputs; j++)
        {
            Int128 min = node.IntElement("bias", j), max = min;
            for (int i = 0; i < inputs; i++)
            {
                var (a, b) = Product(x.Min, x.Max, w[i, j]);
                min += a;
                max += b;
            }
            lo = Int128.Min(lo, min);
            hi = Int128.Max(hi, max);
        }
        return (lo, hi);
    }

    /// <summary>Per output: bias + sum over chunks of factor * P * coef, with P bounded by the chunk's actual weight signs.</summary>
    private static (Int128, Int128) BinDot(Node node, GraphType[] operands)
    {
        var w = node.IntTensor("weights");
        int inputs = w.Shape[0], outputs = w.Shape[1];
        var chunks = new Chunks(inputs, (int)node.Int("chunk"));
        bool unipolar = operands[0].Encoding == BitEncoding.ZeroOne;
        var factor = operands.Length > 1 ? operands[1] : null;
        var coef = node.Find("coef") as IntTensorAttr;
        Int128 lo = Int128.MaxValue, hi = Int128.MinValue;
        for (int j = 0; j < outputs; j++)
        {
            Int128 min = node.IntElement("bias", j), max = min;
            for (int c = 0; c < chunks.Count; c++)
            {
                int positive = 0, negative = 0;
                for (int i = chunks.Start(c); i < chunks.Start(c) + chunks.LengthOf(c); i++)
                {
                    if (w[i, j] > 0) positive++;
                    else negative++;
                }
                // P ranges over [-negative, positive] for 0/1 activations, [-n, n] for +-1 ones.
                Int128 pLo = unipolar ? -negative : -(positive + negative);
                Int128 pHi = unipolar ? positive : positive + negative;
                Int128 a, b;
                if (node.Find("shift") is IntTensorAttr shifts)
                {
                    // P << (code - 1 + shift) with code in [0, max], or P << shift without codes; zero when shift < 0
                    long shift = shifts[c, j];
                    long top = shift + (factor is null ? 0 : factor.Max - 1);
                    (a, b) = shift < 0 || top < 0 ? (0, 0) : (Int128.Min(0, pLo << (int)top), Int128.Max(0, pHi << (int)top));
                }
                else
                {
                    var (fpLo, fpHi) = factor is null ? (pLo, pHi) : Times(factor.Min, factor.Max, pLo, pHi);
                    (a, b) = coef is null ? (fpLo, fpHi) : Times(fpLo, fpHi, coef[c, j], coef[c, j]);
                }
                min += a;
                max += b;
            }
            lo = Int128.Min(lo, min);
            hi = Int128.Max(hi, max);
        }
        return (lo, hi);
    }

    /// <summary>base + step * (0 .. steps), per element.</summary>
    private static (Int128, Int128) Thresholds(Node node)
    {
        int n = node.Type.Length, steps = node.IntTensor("t").Shape[1];
        long step = node.Has("step") ? node.Int("step") : 1;
        var bases = node.IntElements("base", n);
        Int128 lo = Int128.MaxValue, hi = Int128.MinValue;
        foreach (var b in bases)
        {
            lo = Int128.Min(lo, Int128.Min(b, b + ((Int128)step * steps)));
            hi = Int128.Max(hi, Int128.Max(b, b + ((Int128)step * steps)));
        }
        return (lo, hi);
    }

    private static (Int128, Int128) Relu(GraphType x) => (Int128.Max(0, x.Min), Int128.Max(0, x.Max));

    private static (Int128, Int128) Clamp(Node node, GraphType x) =>
        (Int128.Clamp(x.Min, node.Int("lo"), node.Int("hi")), Int128.Clamp(x.Max, node.Int("lo"), node.Int("hi")));

    private static (Int128, Int128) Shift(Node node, GraphType x)
    {
        int amount = (int)node.Int("amount");
        return ((Int128)x.Min >> amount, (Int128)x.Max >> amount);
    }

    private static (Int128, Int128) Scale(Node node, GraphType x)
    {
        int shift = (int)node.Int("shift");
        Int128 lo = Int128.MaxValue, hi = Int128.MinValue;
        for (int j = 0; j < node.Type.Length; j++)
        {
            var (a, b) = Product(x.Min, x.Max, node.IntElement("mul", j));
            Int128 add = node.IntElement("add", j);
            lo = Int128.Min(lo, (a + add) >> shift);
            hi = Int128.Max(hi, (b + add) >> shift);
        }
        return (lo, hi);
    }

    private static (Int128, Int128) ChunkSum(Node node, GraphType x)
    {
        var chunks = new Chunks(Segments.Length(node, x.Length), (int)node.Int("chunk"));
        Int128 magnitudeMax = Int128.Max(Int128.Abs(x.Min), Int128.Abs(x.Max));
        Int128 magnitudeMin = x.Min >= 0 ? x.Min : x.Max <= 0 ? -(Int128)x.Max : 0;
        return (magnitudeMin * chunks.Smallest, magnitudeMax * chunks.Largest);
    }

    private static (Int128, Int128) ChunkFactor(Node node, GraphType[] operands)
    {
        var chunks = new Chunks(Segments.Length(node, operands[^1].Length), (int)node.Int("chunk"));
        return operands.Length == 1 ? (0, chunks.Largest) : (0, (Int128)operands[0].Max * chunks.Largest);
    }

    private static long Pow2CodeMax(Node node)
    {
        long codes = node.Find("thresholds") is IntTensorAttr t ? t.Shape[1] : 1;
        return codes + (node.Find("popcount-table") is IntTensorAttr table ? table.Data.Max() : 0);
    }

    private static (Int128, Int128) Product(long lo, long hi, long k) =>
        k >= 0 ? ((Int128)lo * k, (Int128)hi * k) : ((Int128)hi * k, (Int128)lo * k);

    private static (Int128, Int128) Times(Int128 aLo, Int128 aHi, Int128 bLo, Int128 bHi)
    {
        Int128[] corners = [aLo * bLo, aLo * bHi, aHi * bLo, aHi * bHi];
        return (corners.Min(), corners.Max());
    }
}
