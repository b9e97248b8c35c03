#:project ../src/Training/HwFlow.Training.csproj
#:property PublishAot=false
// fmnist-hbnn-cnn's BinConv2D (14x14x64 -> 128, 3x3, padding 1, unipolar hb of 16 per pixel)
// forward on a batch: the product from bits (PackedHadamardProduct) against im2col + OpenBLAS
// sgemm, alternating, process CPU time and wall time per forward, mean of --steps. Half the
// inputs are 0 (after Ramp). Run from the repository root:
//   dotnet run -c Release bench/packed-conv.cs -- [batch] [steps]
using System.Diagnostics;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Training;
using HwFlow.Training.Native;

int batch = args.Length > 0 ? int.Parse(args[0]) : 100;
int steps = args.Length > 1 ? int.Parse(args[1]) : 10;
OpenBlas.EnsureAvailableForTraining();
typeof(AdamOptimizer).Assembly.GetType("HwFlow.Training.Gemm")!.GetProperty("LargeThreads")!.SetValue(null, int.Parse(Environment.GetEnvironmentVariable("BLAS_THREADS") ?? "2"));
ConvTrainLayer Layer(bool packed) => new([14, 14, 64], new ConvStage(128, 3, 1, 1),
    new DenseTrainLayer(576, 128, WeightBinarization.Hadamard, bias: false, binLayer: true, hadamardInput: true, unipolarInput: true, 16, ScaleMode.Exact, new SplitMix64(1)),
    packed: packed);
var layers = new[] { Layer(false), Layer(true) };
var random = new Random(1);
var x = new float[batch * layers[0].Inputs];
for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0f, (float)(random.NextDouble() - 0.5));
var cpu = new double[2];
var wall = new double[2];
foreach (var training in new[] { false, true })
{
    Array.Clear(cpu); Array.Clear(wall);
    for (int step = -1; step < steps; step++)
    {
        for (int k = 0; k < 2; k++)
        {
            var t = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
            var w = Stopwatch.GetTimestamp();
            layers[k].Forward(x, batch, training);
            if (step < 0) continue;
            cpu[k] += Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - t;
            wall[k] += Stopwatch.GetElapsedTime(w).TotalMilliseconds;
        }
    }
    Console.WriteLine($"batch {batch}, training {training}, load {File.ReadAllText("/proc/loadavg").Trim()}");
    Console.WriteLine($"  im2col + sgemm: {cpu[0] / steps,7:F2} ms CPU {wall[0] / steps,7:F2} ms wall");
    Console.WriteLine($"  packed:         {cpu[1] / steps,7:F2} ms CPU {wall[1] / steps,7:F2} ms wall");
}
