using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// Interval rules of the transform ops. A butterfly's outputs are a + b and a - b of two values
/// of the same interval, so each stage widens the interval of its input by one bit at most:
/// a transform of n = 2^L inputs needs L more bits than its input (plus one for the sign when
/// the signs make a non-negative input signed), and that is the width it gets.
/// </summary>
public static class ButterflyRanges
{
    /// <summary>The integers an operand stands for: its range, or 0/1 and -1/+1 for bits.</summary>
    public static (Int128 Lo, Int128 Hi) Values(GraphType x) => x.Kind switch
    {
        ValueKind.Bits => x.Encoding == BitEncoding.PlusMinus ? (-1, 1) : (0, 1),
        _ => (x.Min, x.Max),
    };

    /// <summary>The operand's values, and 0 when there is padding.</summary>
    public static (Int128, Int128) ZeroPad(Node node, GraphType x)
    {
        var (lo, hi) = Values(x);
        return node.Type.Length > x.Length ? (Int128.Min(lo, 0), Int128.Max(hi, 0)) : (lo, hi);
    }

    public static (Int128, Int128) Butterfly(Node node, GraphType x)
    {
        var (lo, hi) = Values(x);
        if (node.Find("signs") is IntTensorAttr signs)
        {
            bool anyNegative = signs.Data.Any(s => s < 0), anyPositive = signs.Data.Any(s => s > 0);
            (lo, hi) = (anyNegative, anyPositive) switch
            {
                (true, true) => (Int128.Min(lo, -hi), Int128.Max(hi, -lo)),
                (true, false) => (-hi, -lo),
                _ => (lo, hi),
            };
        }
        // a + b over [2 lo, 2 hi]; a - b over [lo - hi, hi - lo]
        return (Int128.Min(2 * lo, lo - hi), Int128.Max(2 * hi, hi - lo));
    }
}
