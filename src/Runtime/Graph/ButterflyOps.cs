namespace HwFlow.Runtime.Graph;

/// <summary>
/// The integer ops of the fast Walsh-Hadamard transform, as the golden kernel runs them: zero-pad
/// and one butterfly stage. A transform of n = 2^L values is a zero-pad (when the input is
/// shorter) and L butterflies with spans 1, 2, ..., n/2, the first one carrying the sign vector.
/// </summary>
internal static class ButterflyOps
{
    /// <summary>y_i = x_i (a bit read as 0/1 or -1/+1) for i below the operand's length, else 0.</summary>
    public static IntValue ZeroPad(GraphValue x, int length, double scale)
    {
        var data = new long[x.Rows * length];
        for (int r = 0; r < x.Rows; r++)
        {
            for (int i = 0; i < x.Length; i++) data[(r * length) + i] = IntegerAt(x, r, i);
        }
        return new IntValue(x.Rows, length, data, scale);
    }

    /// <summary>
    /// a_i = signs_i * x_i (signs absent: all +1); for every pair i, i + span with bit span of i
    /// clear: y_i = a_i + a_{i+span}, y_{i+span} = a_i - a_{i+span}.
    /// </summary>
    public static IntValue Butterfly(Node node, GraphValue x)
    {
        int span = (int)node.Int("span");
        int n = x.Length;
        var signs = (node.Find("signs") as IntTensorAttr)?.Data;
        var data = new long[x.Rows * n];
        var a = new long[n];
        for (int r = 0; r < x.Rows; r++)
        {
            for (int i = 0; i < n; i++) a[i] = IntegerAt(x, r, i) * (signs?[i] ?? 1);
            var y = data.AsSpan(r * n, n);
            for (int i = 0; i < n; i++)
            {
                if ((i & span) != 0) continue;
                y[i] = a[i] + a[i + span];
                y[i + span] = a[i] - a[i + span];
            }
        }
        return new IntValue(x.Rows, n, data, node.Type.Scale);
    }

    private static long IntegerAt(GraphValue x, int r, int i) => x switch
    {
        IntValue ints => ints.Data[(r * ints.Length) + i],
        BitsValue bits => bits.Signed(r, i),
        _ => throw new InvalidOperationException("a transform op reads integers or bits"),
    };
}
