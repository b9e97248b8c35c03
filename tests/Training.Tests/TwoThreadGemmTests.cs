using HwFlow.Runtime.Data;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Native;

namespace HwFlow.Training.Tests;

/// <summary>
/// Training runs its large GEMMs on a fixed count of OpenBLAS threads (session 13): the small
/// products stay on one thread, and a network whose convolution takes the large path still trains
/// to the same bytes every time.
/// </summary>
[Collection(ThreadCount)]
public sealed class TwoThreadGemmTests : IDisposable
{
    /// <summary>Test classes whose GEMMs must not run while the thread count is checked.</summary>
    public const string ThreadCount = "OpenBLAS thread count";

    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Only_products_of_at_least_LargeProduct_multiply_adds_get_the_large_thread_count()
    {
        lock (OpenBlas.ThreadCountGate)
        {
            int previous = OpenBlas.Threads;
            try
            {
                Gemm.LargeThreads = 2;
                int m = (int)(Gemm.LargeProduct / (64 * 64)), n = 64, k = 64; // exactly LargeProduct
                var a = Filled(m * k, 1);
                var b = Filled(k * n, 2);
                var c = new float[m * n];
                Gemm.Multiply(a, false, b, false, c, m, n, k);
                Assert.Equal(2, OpenBlas.Threads);
                var again = new float[m * n];
                Gemm.Multiply(a, false, b, false, again, m, n, k);
                Assert.Equal(c, again);
                Gemm.Multiply(a, false, b, false, c, m - 1, n, k);
                Assert.Equal(1, OpenBlas.Threads);
            }
            finally
            {
                Gemm.LargeThreads = null;
                OpenBlas.Threads = previous;
            }
        }
    }

    [Fact]
    public void A_convolution_on_the_two_thread_path_trains_to_the_same_bytes_twice()
    {
        // second convolution: 100 images x 784 positions x (3x3x16) x 64 = 722 M multiply-adds per GEMM
        var train = DatasetCatalog.Load("fashion-mnist", DataSplit.Train).Take(200);
        var test = DatasetCatalog.Load("fashion-mnist", DataSplit.Test).Take(100);
        var options = new TrainingOptions(Architecture.Parse("28x28x1-c16k3p1-c64k3p1-p2-f-10"), TrainingMode.Hbnn, Epochs: 1, BatchSize: 100, Seed: 3,
            Shift: 1, Flip: true);
        string Save(string name)
        {
            var folder = _dir.File(name);
            ModelWriter.Write(Trainer.Train(options, train, test, blasThreads: 2).Network.Export("twice"), folder, force: false);
            return folder;
        }
        var first = Save("a");
        var second = Save("b");
        var files = Directory.GetFiles(first).Select(Path.GetFileName).Where(f => f!.EndsWith(".npy")).Order().ToList();
        Assert.Contains("w3.npy", files); // the second convolution's
        foreach (var file in files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, file!)), File.ReadAllBytes(Path.Combine(second, file!)));
    }

    private static float[] Filled(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        return values;
    }
}
