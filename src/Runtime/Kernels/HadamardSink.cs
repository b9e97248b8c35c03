using System.Runtime.Intrinsics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The fused Hadamard product: C[row, j] = sum over chunks of P[row, j, c] * activation scale
/// [row, c] * weight scale [c, j], accumulated in float in chunk order (so the result does not
/// depend on threading). Weight scales come transposed and padded to whole tiles.
/// </summary>
internal readonly unsafe struct HadamardSink(SignedCounts signed, float* activationScales, float* weightScalesByChunk,
    int paddedOutputs, int chunks, float* output, int outputs) : ICountSink
{
    public void BeginTile(int row, int j0, int width, TileScratch scratch) => new Span<float>(scratch.Sums, width).Clear();

    public void Accept(int row, int j0, int width, int chunk, TileScratch scratch)
    {
        float scale = activationScales[(row * chunks) + chunk];
        var slope = Vector256.Create(scale * signed.Slope);
        var offset = Vector256.Create(scale * signed.Offset(row, chunk));
        float* weightScales = weightScalesByChunk + ((long)chunk * paddedOutputs) + j0;
        int i = 0;
        for (; i + Vector256<float>.Count <= width; i += Vector256<float>.Count)
        {
            var count = Vector256.ConvertToSingle(Vector256.Load(scratch.Counts + i));
            var product = ((slope * count) + offset) * Vector256.Load(weightScales + i);
            Vector256.Store(Vector256.Load(scratch.Sums + i) + product, scratch.Sums + i);
        }
        for (; i < width; i++)
            scratch.Sums[i] += ((scale * signed.Slope * scratch.Counts[i]) + (scale * signed.Offset(row, chunk))) * weightScales[i];
    }

    public void EndTile(int row, int j0, int width, TileScratch scratch)
    {
        int end = Math.Min(width, outputs - j0);
        new ReadOnlySpan<float>(scratch.Sums, end).CopyTo(new Span<float>(output + ((long)row * outputs) + j0, end));
    }
}
