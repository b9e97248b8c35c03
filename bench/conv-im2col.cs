#:project ../src/Training/HwFlow.Training.csproj
#:project ../src/Compiler/HwFlow.Compiler.csproj
// The seed's im2col claim as a benchmark (issue 13, item 6): a trained conv model on the packed
// engine (binary im2col on bits, then the packed XNOR/AND-popcount GEMM, one thread) against the
// same network in float32 as the trainer runs it (im2col + OpenBLAS cblas_sgemm, one thread,
// evaluation mode). Same images, same run, alternating, best of --repeats; the ratio is what
// counts on a shared machine. Run from the repository root, with OpenBLAS's own CPU detection:
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE dotnet run -c Release bench/conv-im2col.cs -- \
//       examples/fmnist-hbnn-cnn fashion-mnist 28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10 [images] [repeats]
using System.Diagnostics;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
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

string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
double bestPacked = double.MaxValue, bestPeer = double.MaxValue;
int correct = 0;
for (int r = -1; r < repeats; r++)
{
    var watch = Stopwatch.StartNew();
    var classes = packed.Classify(images, count);
    if (r >= 0) bestPacked = Math.Min(bestPacked, watch.Elapsed.TotalSeconds);
    correct = classes.Where((c, i) => c == data.Labels[i]).Count();
    watch.Restart();
    peer.Classify(images, count);
    if (r >= 0) bestPeer = Math.Min(bestPeer, watch.Elapsed.TotalSeconds);
}
Console.WriteLine($"{spec.Name} ({arch}), {count} {args[1]} test images, best of {repeats} after a warm-up, one thread each, load {load} -> {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine($"packed engine ({KernelCpu.Best}): {count / bestPacked,10:N0} images/s ({correct} correct)");
Console.WriteLine($"OpenBLAS im2col + sgemm float32: {count / bestPeer,10:N0} images/s");
Console.WriteLine($"ratio packed / OpenBLAS: {bestPeer / bestPacked:F2}x");
