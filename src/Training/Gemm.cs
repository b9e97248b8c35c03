using HwFlow.Training.Native;

namespace HwFlow.Training;

/// <summary>
/// Row-major float GEMM for training, through OpenBLAS cblas_sgemm. A product of at least
/// <see cref="LargeProduct"/> multiply-adds runs on <see cref="LargeThreads"/> OpenBLAS threads,
/// a smaller one on one thread. OpenBLAS splits C among its threads by the thread count alone
/// (not by the cores it finds), and each element keeps its order of sums, so the bytes depend on
/// the sizes and on <see cref="LargeThreads"/>, not on the machine: a 1-core machine runs the same
/// two threads one after the other. Small products stay on one thread, where a second one costs
/// more than it saves, and so the MLPs (784-256-256-10: at most 200 M multiply-adds in a product)
/// train to the same bytes as with one thread.
/// </summary>
internal static class Gemm
{
    /// <summary>2^28 multiply-adds: the convolutions' products (19,600 x 576 x 128 = 1.4 G), not the MLPs'.</summary>
    public const long LargeProduct = 1L << 28;

    /// <summary>
    /// Set by <see cref="Trainer"/> while it holds <see cref="OpenBlas.ThreadCountGate"/>; null
    /// outside a training, where the products run on whatever count the caller set.
    /// </summary>
    public static int? LargeThreads { get; set; }

    /// <summary>C[m, n] = op(A) op(B), op(A) being m x k and op(B) k x n.</summary>
    public static void Multiply(float[] a, bool transposeA, float[] b, bool transposeB, float[] c, int m, int n, int k)
    {
        if (LargeThreads is { } large)
        {
            int threads = (long)m * n * k >= LargeProduct ? large : 1;
            if (threads != OpenBlas.Threads) OpenBlas.Threads = threads;
        }
        OpenBlas.Sgemm(transposeA, transposeB, m, n, k, 1f, a, b, 0f, c);
    }
}
