using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training.Tests;

/// <summary>The training's short path to a chunk scale gives ChunkScale's bytes on every kind of chunk, including the ones it must hand over.</summary>
public sealed class FloatChunkMeanTests
{
    public static TheoryData<string> Kinds => new() { "unit", "wide", "denormal", "zeros", "mixed", "huge" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ScalesEqualTheExactChunkScale(string kind)
    {
        var rng = new SplitMix64((ulong)kind.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        var scratch = new double[64];
        int shortPaths = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            int length = 1 + (int)(rng.NextDouble() * 40);
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = Value(kind, rng, i);
            var doubles = Array.ConvertAll(x, v => (double)v);
            foreach (var mode in new[] { ScaleMode.Exact, ScaleMode.Pow2 })
            {
                float expected = (float)ChunkScale.Scale(doubles, mode);
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(FloatChunkMean.Scale(x, mode, scratch)));
            }
            if (FloatChunkMean.TryExactSum(x, out _)) shortPaths++;
        }
        // the short path must carry the ordinary chunks, and must refuse the ones it cannot prove
        if (kind is "unit" or "zeros") Assert.True(shortPaths > 1900, $"{shortPaths} of 2000 took the short path");
        if (kind is "denormal" or "wide") Assert.True(shortPaths < 1000, $"{shortPaths} of 2000 took the short path");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SixteenValuesTakeTheSameDecisionAsAnyLength(string kind)
    {
        var rng = new SplitMix64(((ulong)kind.GetHashCode(StringComparison.Ordinal) & 0xFFFF) + 7);
        int shortPaths = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            var x = new float[16];
            for (int i = 0; i < x.Length; i++) x[i] = Value(kind, rng, (i + trial) % 16);
            if (trial % 97 == 5) x[trial % 16] = trial % 3 == 0 ? float.PositiveInfinity : trial % 3 == 1 ? float.NaN : -0f;
            bool expected = FloatChunkMean.TryExactSumByLanes(x, out double expectedSum);
            bool actual = FloatChunkMean.TryExactSum(x, out double actualSum);
            Assert.Equal(expected, actual);
            if (expected) Assert.Equal(BitConverter.DoubleToInt64Bits(expectedSum), BitConverter.DoubleToInt64Bits(actualSum));
            if (expected) shortPaths++;
        }
        if (kind is "unit" or "zeros") Assert.True(shortPaths > 3800, $"{shortPaths} of 4000 took the short path");
    }

    private static float Value(string kind, SplitMix64 rng, int i)
    {
        double u = (2 * rng.NextDouble()) - 1;
        return kind switch
        {
            "unit" => (float)u,
            "wide" => (float)(u * Math.Pow(2, -60 * rng.NextDouble())),
            "denormal" => i == 0 ? 1e-44f : (float)u,
            "zeros" => rng.NextDouble() < 0.5 ? 0f : (float)u,
            "mixed" => rng.NextDouble() < 0.1 ? (float)(u * 1e-9) : (float)u,
            _ => (float)(u * 3e38),
        };
    }
}
