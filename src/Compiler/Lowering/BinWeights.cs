using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Lowering;

/// <summary>
/// The weight side of a BinLayer: hb(W) binarizes each output's weight column chunk by chunk,
/// sgn(W_ij) times the chunk mean M_cj of |W|. Exact and pow2 lowering both start from these.
/// </summary>
public static class BinWeights
{
    /// <summary>sgn(W) as +-1 (sgn 0 = +1), in W's [in, out] order.</summary>
    public static long[] Signs(RealTensorAttr weights) => Array.ConvertAll(weights.Data, w => w >= 0 ? 1L : -1L);

    /// <summary>M[c, j]: the mean |W_ij| over chunk c of output j's column, as [chunks, out].</summary>
    public static double[] ChunkMeans(RealTensorAttr weights, Chunks chunks)
    {
        int outputs = weights.Shape[1];
        var means = new double[chunks.Count * outputs];
        for (int c = 0; c < chunks.Count; c++)
        {
            for (int j = 0; j < outputs; j++)
            {
                double sum = 0;
                for (int i = chunks.Start(c); i < chunks.Start(c) + chunks.LengthOf(c); i++) sum += Math.Abs(weights.Data[(i * outputs) + j]);
                means[(c * outputs) + j] = sum / chunks.LengthOf(c);
            }
        }
        return means;
    }
}
