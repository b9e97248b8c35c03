#:project ../src/Compiler/HwFlow.Compiler.csproj
// Where the packed engine's time goes on a conv model (issue 13): the packed engine alone, one
// thread, on the first [images] test images, [repeats] passes after a warm-up. Run with
// HWFLOW_STEP_CLOCK=1 for per-node and per-step wall times (printed to stderr at exit; the warm-up
// pass is included in them). From the repository root:
//   HWFLOW_STEP_CLOCK=1 dotnet run -c Release bench/conv-steps.cs -- examples/fmnist-hbnn-cnn fashion-mnist [images] [repeats]
using System.Diagnostics;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;

var spec = ModelLoader.Load(args[0]);
var data = DatasetCatalog.Load(args[1], DataSplit.Test);
int count = Math.Min(args.Length > 2 ? int.Parse(args[2]) : 1000, data.Count);
int repeats = args.Length > 3 ? int.Parse(args[3]) : 3;
var images = data.Images.AsSpan(0, count * spec.Input.Features).ToArray();
var graph = IntegerLowering.Lower(spec, new CompileOptions());
var packed = PackedEngine.Create(graph, new KernelOptions(KernelCpu.Best, Threads: 1));
Console.WriteLine($"slot-dot nodes: {string.Join(", ", PackedEngine.SlotDotNodes(graph, new KernelOptions(KernelCpu.Best, Threads: 1)))}");
double best = double.MaxValue;
for (int r = -1; r < repeats; r++)
{
    var watch = Stopwatch.StartNew();
    packed.Classify(images, count);
    if (r >= 0) best = Math.Min(best, watch.Elapsed.TotalSeconds);
}
Console.WriteLine($"{spec.Name}: {count / best:N0} images/s ({best * 1e6 / count:F1} us per image), best of {repeats}, load {File.ReadAllText("/proc/loadavg").Trim()}");
