using System.Numerics;

namespace HwFlow.Runtime.Numerics;

/// <summary>
/// The class of a score vector. The first maximum wins a tie (a later value replaces the best
/// only when strictly greater), as in the float reference, the golden kernel, training and the
/// generated argmax unit.
/// </summary>
public static class ArgMax
{
    public static int Of<T>(ReadOnlySpan<T> values)
        where T : IComparisonOperators<T, T, bool>
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}
