using System.Runtime.Intrinsics;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Runtime.Tests.Kernels;

/// <summary>
/// The generated plane chains (<see cref="PlaneChainCode"/>) against a scalar reference in 64-bit
/// integers: per output and lane, bias + sum over pairs of x_2m w_2m + x_2m+1 w_2m+1 for each of the four
/// phases, then the max (the min where the output pools down). Inputs and weights at the ends of 16 bits
/// (-32768 included) with sums up to the 32-bit bound the caller proves, 1..5 pairs, 16 to 64 outputs.
/// </summary>
public sealed class PlaneChainCodeTests
{
    [Theory]
    [InlineData(1, 16, 1)]
    [InlineData(2, 32, 2)]
    [InlineData(5, 64, 3)]
    [InlineData(5, 48, 4)]
    [InlineData(3, 16, 5)]
    [InlineData(4, 32, 6)]
    public unsafe void EqualsTheScalarChains(int pairs, int outputs, ulong seed)
    {
        if (!PlaneChainCode.Supported) return;
        var rng = new SplitMix64(seed);
        // |x| <= 32768 and |w| <= wMax with 2 pairs x 32768 x wMax + |bias| < 2^31: every sum fits 32 bits, as the caller proves
        int wMax = (int)((int.MaxValue - 1_000_000L) / (2L * pairs * 32768));
        short Input(int i) => i % 7 == 0 ? short.MinValue : i % 11 == 0 ? short.MaxValue : (short)(rng.NextInt(65536) - 32768);
        short Weight(int i) => (short)(i % 5 == 0 ? (i % 2 == 0 ? wMax : -wMax) : rng.NextInt((2 * wMax) + 1) - wMax);
        var x = new short[4 * pairs * 32];
        for (int i = 0; i < x.Length; i++) x[i] = Input(i);
        var w = new short[pairs * outputs * 2];
        for (int i = 0; i < w.Length; i++) w[i] = Weight(i);
        var bias = Enumerable.Range(0, outputs).Select(j => j % 3 == 0 ? (j % 2 == 0 ? 1_000_000 : -1_000_000) : rng.NextInt(2_000_001) - 1_000_000).ToArray();
        var down = Enumerable.Range(0, outputs).Select(j => j % 4 == 1).ToArray();

        var inputs = new AlignedBuffer<short>(x.Length);
        x.CopyTo(new Span<short>(inputs.Pointer, x.Length));
        var weights = new AlignedBuffer<int>(pairs * outputs * 16);
        var biases = new AlignedBuffer<int>(outputs * 16);
        var downs = new AlignedBuffer<int>(outputs * 16);
        var pooled = new AlignedBuffer<int>(outputs * 16);
        for (int m = 0; m < pairs; m++)
        {
            for (int j = 0; j < outputs; j++)
            {
                int word = (ushort)w[(((m * outputs) + j) * 2)] | (w[(((m * outputs) + j) * 2) + 1] << 16);
                new Span<int>(weights.Pointer + (((m * outputs) + j) * 16), 16).Fill(word);
            }
        }
        for (int j = 0; j < outputs; j++)
        {
            new Span<int>(biases.Pointer + (j * 16), 16).Fill(bias[j]);
            new Span<int>(downs.Pointer + (j * 16), 16).Fill(down[j] ? -1 : 0);
        }
        var args = new PlaneChainArgs
        {
            Inputs = (Vector512<short>*)inputs.Pointer, Weights = (Vector512<short>*)weights.Pointer, Bias = (Vector512<int>*)biases.Pointer,
            Down = (Vector512<int>*)downs.Pointer, Pooled = (Vector512<int>*)pooled.Pointer, Outputs = outputs,
        };
        PlaneChainCode.Kernel(pairs)(&args);

        for (int j = 0; j < outputs; j++)
        {
            for (int lane = 0; lane < 16; lane++)
            {
                long best = 0;
                for (int phase = 0; phase < 4; phase++)
                {
                    long sum = bias[j];
                    for (int m = 0; m < pairs; m++)
                    {
                        int at = (((phase * pairs) + m) * 32) + (2 * lane);
                        sum += ((long)x[at] * w[((m * outputs) + j) * 2]) + ((long)x[at + 1] * w[(((m * outputs) + j) * 2) + 1]);
                    }
                    Assert.InRange(sum, int.MinValue, int.MaxValue);
                    best = phase == 0 ? sum : down[j] ? Math.Min(best, sum) : Math.Max(best, sum);
                }
                Assert.Equal(best, pooled.Pointer[(j * 16) + lane]);
            }
        }
    }
}
