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
        // width is a whole tile (64, 128 or 256), a multiple of both vector widths; padded outputs have scale 0.
        float scale = activationScales[(row * chunks) + chunk];
        float slope = scale * signed.Slope, offset = scale * signed.Offset(row, chunk);
        float* weightScales = weightScalesByChunk + ((long)chunk * paddedOutputs) + j0;
        if (Vector512.IsHardwareAccelerated)
        {
            var slopes = Vector512.Create(slope);
            var offsets = Vector512.Create(offset);
            for (int i = 0; i < width; i += Vector512<float>.Count)
            {
                var product = Vector512.FusedMultiplyAdd(slopes, Vector512.ConvertToSingle(Vector512.Load(scratch.Counts + i)), offsets);
                Vector512.FusedMultiplyAdd(product, Vector512.Load(weightScales + i), Vector512.Load(scratch.Sums + i)).Store(scratch.Sums + i);
            }
            return;
        }
        var slopes256 = Vector256.Create(slope);
        var offsets256 = Vector256.Create(offset);
        for (int i = 0; i < width; i += Vector256<float>.Count)
        {
            var product = (slopes256 * Vector256.ConvertToSingle(Vector256.Load(scratch.Counts + i))) + offsets256;
            ((product * Vector256.Load(weightScales + i)) + Vector256.Load(scratch.Sums + i)).Store(scratch.Sums + i);
        }
    }

    public void EndTile(int row, int j0, int width, TileScratch scratch)
    {
        int end = Math.Min(width, outputs - j0);
        new ReadOnlySpan<float>(scratch.Sums, end).CopyTo(new Span<float>(output + ((long)row * outputs) + j0, end));
    }
}
