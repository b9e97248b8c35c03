using System.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>
/// The forward product of a convolution whose receptive field is short (a first layer: 3x3 on one
/// channel, 9 values), straight from the image: each output pixel's channels as vectors, one fused
/// multiply-add per receptive-field element, in element order from zero, then the bias: the same
/// order on every machine and thread count. im2col + OpenBLAS sgemm + the bias row is the same sum
/// but not always in this order (its Haswell kernel agrees with the plain FMA order on ~90% of the
/// outputs of a k = 9 product), so the last bits of some outputs differ from the GEMM path's.
/// Saves im2col's matrix (in evaluation), the k = 9 GEMM's passes over C and the serial bias pass
/// (BENCHMARKS.md, session 14).
/// </summary>
internal static class SmallPatchConvolution
{
    /// <summary>Receptive fields up to this many values take this path; longer ones are GEMM work.</summary>
    public const int LongestPatch = 32;

    /// <param name="map">The geometry's <see cref="WindowGeometry.SourceMap"/>.</param>
    /// <param name="weights">[outputs, patch], a dense layer's effective weights.</param>
    /// <param name="bias">[outputs], or null.</param>
    public static void Forward(WindowGeometry g, int[] map, float[] x, float[] weights, float[]? bias, float[] y, int images, int outputs)
    {
        int patch = g.Patch;
        // [element, output]: one element's weights for all outputs are a vector row
        var byElement = new float[patch * outputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int e = 0; e < patch; e++) byElement[(e * outputs) + o] = weights[(o * patch) + e];
        }
        int lanes = Vector<float>.Count;
        Parallel.For(0, images, image =>
        {
            var source = x.AsSpan(image * g.InputLength, g.InputLength);
            Span<float> field = stackalloc float[patch];
            for (int p = 0; p < g.Positions; p++)
            {
                Field(map, p, source, field);
                var target = y.AsSpan(((image * g.Positions) + p) * outputs, outputs);
                int o = 0;
                // four independent sums at a time: one alone waits out each FMA's latency
                for (; o <= outputs - (4 * lanes); o += 4 * lanes)
                {
                    Vector<float> s0 = Vector<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                    for (int e = 0; e < patch; e++)
                    {
                        var f = new Vector<float>(field[e]);
                        int at = (e * outputs) + o;
                        s0 = Vector.FusedMultiplyAdd(f, new Vector<float>(byElement, at), s0);
                        s1 = Vector.FusedMultiplyAdd(f, new Vector<float>(byElement, at + lanes), s1);
                        s2 = Vector.FusedMultiplyAdd(f, new Vector<float>(byElement, at + (2 * lanes)), s2);
                        s3 = Vector.FusedMultiplyAdd(f, new Vector<float>(byElement, at + (3 * lanes)), s3);
                    }
                    if (bias is not null)
                    {
                        s0 += new Vector<float>(bias, o);
                        s1 += new Vector<float>(bias, o + lanes);
                        s2 += new Vector<float>(bias, o + (2 * lanes));
                        s3 += new Vector<float>(bias, o + (3 * lanes));
                    }
                    s0.CopyTo(target[o..]);
                    s1.CopyTo(target[(o + lanes)..]);
                    s2.CopyTo(target[(o + (2 * lanes))..]);
                    s3.CopyTo(target[(o + (3 * lanes))..]);
                }
                for (; o <= outputs - lanes; o += lanes)
                {
                    var sum = Vector<float>.Zero;
                    for (int e = 0; e < patch; e++) sum = Vector.FusedMultiplyAdd(new Vector<float>(field[e]), new Vector<float>(byElement, (e * outputs) + o), sum);
                    if (bias is not null) sum += new Vector<float>(bias, o);
                    sum.CopyTo(target[o..]);
                }
                for (; o < outputs; o++)
                {
                    float sum = 0f;
                    for (int e = 0; e < patch; e++) sum = MathF.FusedMultiplyAdd(field[e], byElement[(e * outputs) + o], sum);
                    target[o] = bias is null ? sum : sum + bias[o];
                }
            }
        });
    }

    /// <summary>
    /// The weight gradient dW[o, e] = sum over rows of dy[row, o] * field[row, e] and the bias
    /// gradient db[o] += sum of dy[row, o], straight from the image as <see cref="Forward"/> reads
    /// it. Rows are summed in float per block of images (blocks fixed by the image count alone),
    /// the blocks then added in order: the same bytes on every machine. Replaces a k = 78,400 GEMM
    /// of 64 x 9 on one thread and a serial pass of the bias gradient over all rows.
    /// </summary>
    /// <param name="weightGradient">[outputs, patch], overwritten.</param>
    /// <param name="biasGradient">[outputs], added to; or null.</param>
    public static void WeightGradient(WindowGeometry g, int[] map, float[] x, float[] dy, float[] weightGradient, float[]? biasGradient, int images, int outputs)
    {
        int patch = g.Patch, lanes = Vector<float>.Count;
        int blocks = Math.Clamp(images / ImagesPerBlock, 1, 16);
        var partials = new float[blocks][];
        Parallel.For(0, blocks, b =>
        {
            // [element, output] then the bias sums, all in float
            var sums = new float[(patch + 1) * outputs];
            Span<float> field = stackalloc float[patch];
            int last = Blocks.Start(images, blocks, b + 1);
            for (int image = Blocks.Start(images, blocks, b); image < last; image++)
            {
                var source = x.AsSpan(image * g.InputLength, g.InputLength);
                for (int p = 0; p < g.Positions; p++)
                {
                    Field(map, p, source, field);
                    var gradient = dy.AsSpan(((image * g.Positions) + p) * outputs, outputs);
                    int o = 0;
                    for (; o <= outputs - lanes; o += lanes)
                    {
                        var d = new Vector<float>(gradient[o..]);
                        for (int e = 0; e < patch; e++)
                        {
                            var at = sums.AsSpan((e * outputs) + o);
                            Vector.FusedMultiplyAdd(new Vector<float>(field[e]), d, new Vector<float>(at)).CopyTo(at);
                        }
                        var bias = sums.AsSpan((patch * outputs) + o);
                        (new Vector<float>(bias) + d).CopyTo(bias);
                    }
                    for (; o < outputs; o++)
                    {
                        for (int e = 0; e < patch; e++) sums[(e * outputs) + o] = MathF.FusedMultiplyAdd(field[e], gradient[o], sums[(e * outputs) + o]);
                        sums[(patch * outputs) + o] += gradient[o];
                    }
                }
            }
            partials[b] = sums;
        });
        var total = partials[0];
        for (int b = 1; b < blocks; b++) VectorLoops.Add(partials[b], total);
        for (int o = 0; o < outputs; o++)
        {
            for (int e = 0; e < patch; e++) weightGradient[(o * patch) + e] = total[(e * outputs) + o];
        }
        if (biasGradient is not null) VectorLoops.Add(total.AsSpan(patch * outputs, outputs), biasGradient);
    }

    /// <summary>Position <paramref name="p"/>'s receptive field of one image, padding 0 (<paramref name="field"/> is one patch long).</summary>
    private static void Field(int[] map, int p, ReadOnlySpan<float> source, Span<float> field)
    {
        var sources = map.AsSpan(p * field.Length, field.Length);
        for (int e = 0; e < field.Length; e++) field[e] = sources[e] < 0 ? 0f : source[sources[e]];
    }

    /// <summary>Images per block of <see cref="WeightGradient"/>'s sums (a batch of 100: 16 blocks of 6 or 7).</summary>
    private const int ImagesPerBlock = 4;
}
