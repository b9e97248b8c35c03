using System.Runtime.InteropServices;
using HwFlow.Runtime.Errors;

namespace HwFlow.Training.Native;

/// <summary>
/// OpenBLAS from the Debian package libopenblas0 (libopenblas.so.0), through P/Invoke: float
/// GEMM/GEMV for training and as the float baseline in benchmarks. Row-major only.
/// </summary>
public static unsafe partial class OpenBlas
{
    public const string Library = "libopenblas.so.0";
    public const string DebianPackage = "libopenblas0";

    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<string?> LoadError = new(() =>
    {
        try
        {
            return NativeLibrary.TryLoad(Library, typeof(OpenBlas).Assembly, null, out _) ? null : $"cannot load {Library}";
        }
        catch (Exception e)
        {
            return e.Message;
        }
    });

    public static bool Available => LoadError.Value is null;

    /// <summary>OpenBLAS's own variable: how long (2^N cycles, N in 4..30) an idle worker thread polls before it sleeps.</summary>
    public const string ThreadTimeoutVariable = "OPENBLAS_THREAD_TIMEOUT";

    /// <summary>
    /// Before OpenBLAS loads (it reads the variable once, then): unless the user set
    /// <see cref="ThreadTimeoutVariable"/>, let its idle worker threads sleep at once instead of
    /// polling with sched_yield for 2^28 cycles (the default). Training calls a multi-threaded GEMM
    /// every few milliseconds, and in between its own loops need the core the worker would spin
    /// on: measured, one epoch of 10,000 images of fmnist-hbnn-cnn 15.6 s -> 13.4 s of training
    /// (BENCHMARKS.md, session 13). Waking a sleeping worker costs microseconds per GEMM.
    /// Does nothing once the library is loaded.
    /// </summary>
    public static void PreferSleepingWorkers()
    {
        if (LoadError.IsValueCreated || Environment.GetEnvironmentVariable(ThreadTimeoutVariable) is not null) return;
        setenv(ThreadTimeoutVariable, "4", 0);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    /// <summary>What every training command calls first: <see cref="PreferSleepingWorkers"/>, then <see cref="EnsureAvailable"/>.</summary>
    public static void EnsureAvailableForTraining()
    {
        PreferSleepingWorkers();
        EnsureAvailable();
    }

    /// <summary>Stops with a clear message when OpenBLAS is missing (setup installs it).</summary>
    public static void EnsureAvailable()
    {
        if (!Available)
            throw new UserError($"OpenBLAS is not installed ({LoadError.Value}): install the Debian package {DebianPackage} (./run.sh and ./test.sh do it)");
    }

    /// <summary>The library's own description: version, CPU kernel set, threading.</summary>
    public static string Config
    {
        get
        {
            EnsureAvailable();
            return Marshal.PtrToStringAnsi(openblas_get_config()) ?? "";
        }
    }

    /// <summary>The kernel set OpenBLAS picked when it loaded (e.g. Haswell, SkylakeX), which OPENBLAS_CORETYPE can force.</summary>
    public static string CoreName
    {
        get
        {
            EnsureAvailable();
            return Marshal.PtrToStringAnsi(openblas_get_corename()) ?? "";
        }
    }

    /// <summary>
    /// OpenBLAS's thread count is one per process, and a GEMM's result bytes depend on it. Code
    /// that sets it and relies on it holds this lock meanwhile, so that runs sharing a process
    /// (tests train several models at once) do not change each other's count, and with it the bytes
    /// they compute.
    /// </summary>
    public static readonly Lock ThreadCountGate = new();

    public static int Threads
    {
        get
        {
            EnsureAvailable();
            return openblas_get_num_threads();
        }
        set
        {
            EnsureAvailable();
            openblas_set_num_threads(value);
        }
    }

    /// <summary>C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is M x K, op(B) is K x N.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, float beta, Span<float> c)
    {
        EnsureAvailable();
        int lda = transA ? m : k, ldb = transB ? k : n;
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"buffers too small for a {m}x{k} by {k}x{n} product");
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            cblas_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, n);
        }
    }

    /// <summary>y = alpha * op(A) * x + beta * y, row-major A of M x N.</summary>
    public static void Sgemv(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a, ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        EnsureAvailable();
        if (a.Length < (long)m * n || x.Length < (transA ? m : n) || y.Length < (transA ? n : m))
            throw new ArgumentException("buffers too small for the matrix-vector product");
        fixed (float* pa = a)
        fixed (float* px = x)
        fixed (float* py = y)
        {
            cblas_sgemv(RowMajor, transA ? Trans : NoTrans, m, n, alpha, pa, n, px, 1, beta, py, 1);
        }
    }

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library)]
    private static partial void cblas_sgemv(int order, int trans, int m, int n, float alpha, float* a, int lda,
        float* x, int incx, float beta, float* y, int incy);

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial int openblas_get_num_threads();

    [LibraryImport(Library)]
    private static partial nint openblas_get_config();

    [LibraryImport(Library)]
    private static partial nint openblas_get_corename();
}
