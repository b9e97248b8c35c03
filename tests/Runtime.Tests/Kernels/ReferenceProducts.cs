using HwFlow.Runtime.Kernels;

namespace HwFlow.Runtime.Tests.Kernels;

/// <summary>The plain scalar reference: bit by bit, as a product of +-1 (or 0/1) values summed per chunk.</summary>
public static class ReferenceProducts
{
    public static int[] ChunkCounts(BitMatrix a, BitMatrix w, int chunkLength, ActivationCoding coding)
    {
        var chunks = new ChunkLayout(a.Columns, chunkLength);
        var result = new int[a.Rows * w.Rows * chunks.Count];
        for (int b = 0; b < a.Rows; b++)
        {
            for (int j = 0; j < w.Rows; j++)
            {
                for (int i = 0; i < a.Columns; i++)
                {
                    int weight = w[j, i] ? 1 : -1;
                    int activation = coding == ActivationCoding.Unipolar ? (a[b, i] ? 1 : 0) : (a[b, i] ? 1 : -1);
                    result[(((b * w.Rows) + j) * chunks.Count) + (i / chunks.ChunkLength)] += activation * weight;
                }
            }
        }
        return result;
    }
}
