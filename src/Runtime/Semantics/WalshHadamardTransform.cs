using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// The fast Walsh-Hadamard transform in the order every engine uses: stages s = 0 .. log2(n)-1,
/// stage s pairs i and i + 2^s (bit s of i clear) into (a + b, a - b). The result is H v with
/// H the Sylvester Hadamard matrix, H[i, j] = (-1)^popcount(i &amp; j), unnormalized.
/// Not HBNN's Hadamard binarization (<see cref="Hadamard"/>): that is an elementwise product.
/// </summary>
public static class WalshHadamardTransform
{
    public static bool IsPowerOfTwo(int n) => n >= 1 && BitOperations.IsPow2(n);

    /// <summary>The smallest power of two that is at least <paramref name="n"/>.</summary>
    public static int PaddedSize(int n) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, n));

    /// <summary>H[i, j] = (-1)^popcount(i &amp; j).</summary>
    public static int Entry(int i, int j) => (BitOperations.PopCount((uint)(i & j)) & 1) == 0 ? 1 : -1;

    /// <summary>
    /// The random sign vector D of a seed: entry i is +1 when the top bit of the i-th SplitMix64
    /// output is 0, else -1. Fixed here, so a seed recorded in a model always means the same D.
    /// </summary>
    public static float[] SignsFromSeed(ulong seed, int n)
    {
        var rng = new SplitMix64(seed);
        var signs = new float[n];
        for (int i = 0; i < n; i++) signs[i] = (rng.NextUInt64() >> 63) == 0 ? 1f : -1f;
        return signs;
    }

    /// <summary>H v in place; the length must be a power of two.</summary>
    public static void Transform(Span<double> v)
    {
        if (!IsPowerOfTwo(v.Length)) throw new ArgumentException($"the transform length must be a power of two, got {v.Length}");
        for (int span = 1; span < v.Length; span *= 2)
        {
            for (int start = 0; start < v.Length; start += 2 * span)
            {
                for (int i = start; i < start + span; i++)
                {
                    double a = v[i], b = v[i + span];
                    v[i] = a + b;
                    v[i + span] = a - b;
                }
            }
        }
    }
}
