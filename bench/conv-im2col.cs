#:project ../src/Training/HwFlow.Training.csproj
#:project ../src/Compiler/HwFlow.Compiler.csproj
// The seed's im2col claim as a benchmark (issue 13, item 6): a trained conv model on the packed
// engine (binary im2col on bits, then the packed XNOR/AND-popcount GEMM, one thread) against the
// same network in float32 as the trainer runs it (im2col + OpenBLAS cblas_sgemm, one thread,
// evaluation mode). Same images, same run, alternating, best of --repeats; the ratio is what
// counts on a shared machine. Every packed pass must give the golden kernel's output values
// (not only its classes) on every image. Run from the repository root, built first
// (`dotnet build -c Release bench/conv-im2col.cs`), with OpenBLAS's own CPU detection, pinned to one core
// (unpinned, OpenBLAS's process uses ~1.4 cores) and with full JIT from the start (with tiered JIT, 1,000
// images' passes end before tiering does), on all 10,000 fashion-mnist / all 2,000 mnist test images:
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE DOTNET_TieredCompilation=0 taskset -c 0 \
//     dotnet run -c Release --no-build bench/conv-im2col.cs -- \
//       examples/fmnist-hbnn-cnn fashion-mnist 28x28x1-c64k3p1-p2-c128k3p1-p2-f-256-10 10000 3
//   (mnist: examples/mnist-bnn-cnn mnist 28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10 2000 5)
using System.Diagnostics;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Native;

var spec = ModelLoader.Load(args[0]);
var data = DatasetCatalog.Load(args[1], DataSplit.Test);
var arch = Architecture.Parse(args[2]);
int count = Math.Min(args.Length > 3 ? int.Parse(args[3]) : 2000, data.Count);
int repeats = args.Length > 4 ? int.Parse(args[4]) : 3;
if (arch.Inputs != spec.Input.Features) throw new ArgumentException($"--arch {arch} takes {arch.Inputs} inputs, the model {spec.Input.Features}");
var images = data.Images.AsSpan(0, count * spec.Input.Features).ToArray();

var graph = IntegerLowering.Lower(spec, new CompileOptions());
var packed = PackedEngine.Create(graph, new KernelOptions(KernelCpu.Best, Threads: 1));
OpenBlas.Threads = 1;
var peer = NetworkBuilder.Build(arch, TrainingMode.Float, 16, ScaleMode.Exact, 1);

// the golden kernel's output values for every image, which every timed packed pass must reproduce
var golden = new GraphExecutor(graph);
var expected = new List<GraphValue>();
for (int start = 0; start < count; start += 100)
    expected.Add(golden.Run(images.AsSpan(start * spec.Input.Features, Math.Min(100, count - start) * spec.Input.Features), Math.Min(100, count - start)));
void Check()
{
    for (int b = 0, start = 0; start < count; start += 100, b++)
    {
        var actual = packed.Run(images.AsSpan(start * spec.Input.Features, Math.Min(100, count - start) * spec.Input.Features), Math.Min(100, count - start));
        bool same = (expected[b], actual) switch
        {
            (IntValue e, IntValue a) => e.Data.AsSpan().SequenceEqual(a.Data),
            (BitsValue e, BitsValue a) => e.Data.AsSpan().SequenceEqual(a.Data),
            _ => false,
        };
        if (!same) throw new InvalidOperationException($"the packed engine's output differs from the golden kernel's on images {start}..{start + 99}");
    }
}

string load = File.ReadAllText("/proc/loadavg").Trim();
using var self = Process.GetCurrentProcess();
double bestPacked = double.MaxValue, bestPeer = double.MaxValue, cpuPacked = double.MaxValue, cpuPeer = double.MaxValue;
int correct = 0;
for (int r = -1; r < repeats; r++)
{
    Check();
    self.Refresh();
    var cpu = self.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var classes = packed.Classify(images, count);
    double wall = watch.Elapsed.TotalSeconds;
    self.Refresh();
    if (r >= 0) (bestPacked, cpuPacked) = (Math.Min(bestPacked, wall), Math.Min(cpuPacked, (self.TotalProcessorTime - cpu).TotalSeconds));
    correct = classes.Where((c, i) => c == data.Labels[i]).Count();
    cpu = self.TotalProcessorTime;
    watch.Restart();
    peer.Classify(images, count);
    wall = watch.Elapsed.TotalSeconds;
    self.Refresh();
    if (r >= 0) (bestPeer, cpuPeer) = (Math.Min(bestPeer, wall), Math.Min(cpuPeer, (self.TotalProcessorTime - cpu).TotalSeconds));
}
Console.WriteLine($"{spec.Name} ({arch}), {count} {args[1]} test images, best of {repeats} after a warm-up, one thread each, load {load} -> {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"packed engine ({KernelCpu.Best}): {count / bestPacked,10:N0} images/s, {count / cpuPacked,10:N0} images per CPU second ({correct} correct; output values = golden kernel's on all {count} images, checked before every pass)");
Console.WriteLine($"OpenBLAS im2col + sgemm float32: {count / bestPeer,10:N0} images/s, {count / cpuPeer,10:N0} images per CPU second");
Console.WriteLine($"ratio packed / OpenBLAS: {bestPeer / bestPacked:F2}x (wall), {cpuPeer / cpuPacked:F2}x (CPU)");
