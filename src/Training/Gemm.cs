using HwFlow.Training.Native;

namespace HwFlow.Training;

/// <summary>Row-major float GEMM for training, through OpenBLAS cblas_sgemm.</summary>
internal static class Gemm
{
    /// <summary>C[m, n] = op(A) op(B), op(A) being m x k and op(B) k x n.</summary>
    public static void Multiply(float[] a, bool transposeA, float[] b, bool transposeB, float[] c, int m, int n, int k) =>
        OpenBlas.Sgemm(transposeA, transposeB, m, n, k, 1f, a, b, 0f, c);
}
