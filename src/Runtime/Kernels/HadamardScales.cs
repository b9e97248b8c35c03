namespace HwFlow.Runtime.Kernels;

/// <summary>Chunk scales of hb: the mean of |v| over each chunk of each row.</summary>
public static class HadamardScales
{
    public static float[] ChunkMeans(ReadOnlySpan<float> values, int rows, int columns, int chunkLength)
    {
        var chunks = new ChunkLayout(columns, chunkLength);
        var means = new float[rows * chunks.Count];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < chunks.Count; c++)
            {
                double sum = 0;
                var part = values.Slice((r * columns) + chunks.Start(c), chunks.LengthOf(c));
                foreach (var v in part) sum += Math.Abs(v);
                means[(r * chunks.Count) + c] = (float)(sum / part.Length);
            }
        }
        return means;
    }
}
