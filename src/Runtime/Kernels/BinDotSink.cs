using System.Runtime.Intrinsics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The integer graph's bin-dot, fused into the kernel: acc_j = bias_j + sum over chunks of
/// term(P_cj), where term = P * factor_c * coef_cj (exact scales) or P &lt;&lt; (code_c - 1 + shift_cj),
/// 0 when code_c = 0 or shift_cj &lt; 0 (pow2 scales), in 64-bit integers, chunk by chunk as the
/// golden kernel does, so no [batch, out, chunks] array is ever formed. Per-output attributes
/// come transposed and padded to whole tiles ([chunk, padded output]).
/// </summary>
internal readonly unsafe struct BinDotSink(SignedCounts signed, long* factors, int factorStride, long* coefByChunk, long* shiftByChunk,
    long* bias, int paddedOutputs, long* output, int outputs) : ICountSink
{
    public void BeginTile(int row, int j0, int width, TileScratch scratch) =>
        new ReadOnlySpan<long>(bias + j0, width).CopyTo(new Span<long>(scratch.Totals, width));

    public void Accept(int row, int j0, int width, int chunk, TileScratch scratch)
    {
        int slope = signed.Slope, offset = signed.Offset(row, chunk);
        long factor = factors is null ? 1 : factors[((long)row * factorStride) + chunk];
        long* totals = scratch.Totals;
        int* counts = scratch.Counts;
        if (shiftByChunk is not null)
        {
            long* shifts = shiftByChunk + ((long)chunk * paddedOutputs) + j0;
            for (int i = 0; i < width; i++)
            {
                long p = ((long)slope * counts[i]) + offset;
                totals[i] += factor == 0 || shifts[i] < 0 ? 0 : p << (int)(factor - 1 + shifts[i]);
            }
            return;
        }
        int start = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // width is a whole number of panels (a multiple of 8): P widened to 64 bits, times factor and coef, 8 outputs at a time.
            var slopes = Vector512.Create((long)slope);
            var offsets = Vector512.Create((long)offset);
            var factorVector = Vector512.Create(factor);
            if (coefByChunk is not null)
            {
                long* coef = coefByChunk + ((long)chunk * paddedOutputs) + j0;
                for (; start + Vector512<long>.Count <= width; start += Vector512<long>.Count)
                {
                    var p = (Vector512.WidenLower(Vector256.Load(counts + start).ToVector512()) * slopes) + offsets;
                    (Vector512.Load(totals + start) + (p * factorVector * Vector512.Load(coef + start))).Store(totals + start);
                }
            }
            else
            {
                for (; start + Vector512<long>.Count <= width; start += Vector512<long>.Count)
                {
                    var p = (Vector512.WidenLower(Vector256.Load(counts + start).ToVector512()) * slopes) + offsets;
                    (Vector512.Load(totals + start) + (p * factorVector)).Store(totals + start);
                }
            }
        }
        for (int i = start; i < width; i++)
        {
            long term = (((long)slope * counts[i]) + offset) * factor;
            if (coefByChunk is not null) term *= coefByChunk[((long)chunk * paddedOutputs) + j0 + i];
            totals[i] += term;
        }
    }

    public void EndTile(int row, int j0, int width, TileScratch scratch)
    {
        int end = Math.Min(width, outputs - j0);
        new ReadOnlySpan<long>(scratch.Totals, end).CopyTo(new Span<long>(output + ((long)row * outputs) + j0, end));
    }
}
