using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// The thresholds of a quantizer chain over its integer source: for every code level L above
/// the lowest, the integer where element j's code first reaches L (searched by bisection, all
/// elements in lockstep, with the float reference's own arithmetic). Code = lowest + the number
/// of thresholds with dir_j * x &gt;= t[j, k].
/// </summary>
public sealed class ThresholdSearch
{
    private ThresholdSearch(long lowest, long[,] thresholds, long[] directions)
    {
        Lowest = lowest;
        Thresholds = thresholds;
        Directions = directions;
    }

    /// <summary>The lowest code of any element.</summary>
    public long Lowest { get; }

    /// <summary>[element, level - lowest - 1].</summary>
    public long[,] Thresholds { get; }

    /// <summary>+1 (the code grows with x), -1 (it falls), 0 (constant: thresholds compare 0).</summary>
    public long[] Directions { get; }

    public int Elements => Directions.Length;

    public int Steps => Thresholds.GetLength(1);

    public static ThresholdSearch Run(QuantizerChain chain, int maxSteps, string what)
    {
        var source = chain.Source.Type;
        int n = source.Length;
        long xMin = source.Min, xMax = source.Max;
        var directions = new long[n];
        for (int j = 0; j < n; j++) directions[j] = chain.Direction(j);
        var atMin = chain.Codes(Filled(n, xMin));
        var atMax = chain.Codes(Filled(n, xMax));
        var low = new long[n];
        var high = new long[n];
        for (int j = 0; j < n; j++)
        {
            if (!double.IsFinite(atMin[j]) || !double.IsFinite(atMax[j]))
                throw new UserError($"{what}: element {j} has no finite quantized value over [{xMin}, {xMax}]");
            (low[j], high[j]) = directions[j] >= 0 ? ((long)atMin[j], (long)atMax[j]) : ((long)atMax[j], (long)atMin[j]);
            if (directions[j] == 0 && low[j] != high[j])
                throw new InvalidOperationException($"{what}: element {j} has a zero slope but takes codes {low[j]} and {high[j]}");
        }
        long lowest = low.Min();
        long steps = high.Max() - lowest;
        if (steps > maxSteps)
            throw new UserError($"{what}: {steps + 1} output levels over the input range [{xMin}, {xMax}], more than the {maxSteps + 1} (8 bits) thresholds support");

        var thresholds = new long[n, steps];
        for (int k = 0; k < steps; k++)
        {
            long level = lowest + k + 1;
            var found = Bisect(chain, directions, level, xMin, xMax, low, high);
            for (int j = 0; j < n; j++)
            {
                thresholds[j, k] = directions[j] switch
                {
                    _ when level <= low[j] => Always(directions[j], xMin, xMax),
                    _ when level > high[j] => Never(directions[j], xMin, xMax),
                    > 0 => found[j],
                    _ => -found[j],
                };
            }
        }
        return new ThresholdSearch(lowest, thresholds, directions);
    }

    /// <summary>A threshold dir * x always reaches (0 for a constant element).</summary>
    private static long Always(long direction, long xMin, long xMax) => direction switch { > 0 => xMin, < 0 => -xMax, _ => 0 };

    /// <summary>A threshold dir * x never reaches.</summary>
    private static long Never(long direction, long xMin, long xMax) => direction switch { > 0 => xMax + 1, < 0 => -xMin + 1, _ => 1 };

    /// <summary>
    /// Per element whose codes span <paramref name="level"/>: the smallest x with code &gt;= level
    /// (rising), or the largest (falling). Every element runs the same number of halvings, so
    /// each step evaluates the chain once on a whole row.
    /// </summary>
    private static long[] Bisect(QuantizerChain chain, long[] directions, long level, long xMin, long xMax, long[] low, long[] high)
    {
        int n = directions.Length;
        var lo = Filled(n, xMin);
        var hi = Filled(n, xMax);
        var active = Enumerable.Range(0, n).Where(j => directions[j] != 0 && low[j] < level && level <= high[j]).ToArray();
        var probe = Filled(n, xMin);
        while (active.Any(j => lo[j] < hi[j]))
        {
            foreach (var j in active)
                probe[j] = directions[j] > 0 ? lo[j] + ((hi[j] - lo[j]) / 2) : lo[j] + ((hi[j] - lo[j] + 1) / 2);
            var codes = chain.Codes(probe);
            foreach (var j in active)
            {
                if (lo[j] >= hi[j]) continue;
                bool reached = codes[j] >= level;
                if (directions[j] > 0)
                {
                    if (reached) hi[j] = probe[j];
                    else lo[j] = probe[j] + 1;
                }
                else
                {
                    if (reached) lo[j] = probe[j];
                    else hi[j] = probe[j] - 1;
                }
            }
        }
        return lo;
    }

    private static long[] Filled(int n, long value) => Enumerable.Repeat(value, n).ToArray();
}
