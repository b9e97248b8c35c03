using System.Numerics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The scalar kernel: 64-bit words of the packed rows, (a op w) masked to each chunk's bits, and
/// POPCNT. A chunk is a list of (word, mask) segments, so chunks need not align with words.
/// </summary>
internal static unsafe class ScalarCounter
{
    public const int TileOutputs = 64;

    public static void CountTile<TSink>(ulong* activations, BitMatrix weights, WordSegments segments, ActivationCoding coding,
        int row, int j0, TileScratch scratch, TSink sink)
        where TSink : struct, ICountSink
    {
        int end = Math.Min(TileOutputs, weights.Rows - j0);
        sink.BeginTile(row, j0, TileOutputs, scratch);
        for (int chunk = 0; chunk < segments.FirstSegment.Length - 1; chunk++)
        {
            int first = segments.FirstSegment[chunk], last = segments.FirstSegment[chunk + 1];
            for (int i = 0; i < end; i++)
            {
                ulong* w = weights.RowPointer(j0 + i);
                int count = 0;
                if (coding == ActivationCoding.Bipolar)
                {
                    for (int s = first; s < last; s++)
                        count += BitOperations.PopCount((activations[segments.Word[s]] ^ w[segments.Word[s]]) & segments.Mask[s]);
                }
                else
                {
                    for (int s = first; s < last; s++)
                        count += BitOperations.PopCount(activations[segments.Word[s]] & w[segments.Word[s]] & segments.Mask[s]);
                }
                scratch.Counts[i] = count;
            }
            for (int i = end; i < TileOutputs; i++) scratch.Counts[i] = 0;
            sink.Accept(row, j0, TileOutputs, chunk, scratch);
        }
        sink.EndTile(row, j0, TileOutputs, scratch);
    }
}
