namespace HwFlow.Runtime.Graph;

/// <summary>
/// The golden kernel of thresholds: y_j = base_j + step * (the number of k with dir_j * x_j &gt;= t[j, k])
/// (t has one row per element, or one row shared by all; dir is +1 when absent, -1 for a
/// decreasing function of x, 0 for a constant one, which compares 0 with t; base is one number or
/// one per element; step is 1 when absent).
/// </summary>
internal static class ThresholdCount
{
    public static IntValue Evaluate(Node node, IntValue x)
    {
        var t = node.IntTensor("t");
        bool shared = t.Shape[0] == 1;
        int steps = t.Shape[1];
        var bases = node.IntElements("base", x.Length);
        long step = node.Has("step") ? node.Int("step") : 1;
        var directions = node.Has("dir") ? node.IntElements("dir", x.Length) : Enumerable.Repeat(1L, x.Length).ToArray();
        var data = new long[x.Data.Length];
        for (int r = 0; r < x.Rows; r++)
        {
            for (int j = 0; j < x.Length; j++)
            {
                long v = directions[j] * x.Data[(r * x.Length) + j];
                int row = shared ? 0 : j;
                long count = 0;
                for (int k = 0; k < steps; k++)
                {
                    if (v >= t[row, k]) count++;
                }
                data[(r * x.Length) + j] = bases[j] + (step * count);
            }
        }
        return new IntValue(x.Rows, x.Length, data, node.Type.Scale);
    }
}
