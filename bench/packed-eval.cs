#:project ../src/Compiler/HwFlow.Compiler.csproj
// Steady-state images/s of `hwflow eval --engine packed` (and the integer golden kernel, its peer in
// the same run) on an example model: each engine is built and warmed up first (JIT tier-up, weight
// layouts), then the whole test split is classified in interleaved rounds and the median kept, so
// neither building the engine nor JIT compilation is timed (CPU time per pass is reported too: a
// shared machine inflates it less). Packed runs at 1 and 2 threads; every run must give the golden
// kernel's classes.
// Run from the repository root:  dotnet run -c Release bench/packed-eval.cs [model folder] [dataset] [rounds]
using System.Diagnostics;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Kernels;
using HwFlow.Runtime.Model;

string model = args.Length > 0 ? args[0] : "examples/fmnist-hbnn-mlp";
string datasetName = args.Length > 1 ? args[1] : "fashion-mnist";
int rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
var spec = ModelLoader.Load(model);
var data = DatasetCatalog.Load(datasetName, DataSplit.Test);
var graph = IntegerLowering.Lower(spec, new CompileOptions());
string load = File.ReadAllText("/proc/loadavg").Trim();

var engines = new (string Name, GraphExecutor Engine)[]
{
    ("integer (golden kernel)", new GraphExecutor(graph)),
    ("packed, 1 thread", PackedEngine.Create(graph, new KernelOptions(Threads: 1))),
    ("packed, 2 threads", PackedEngine.Create(graph, new KernelOptions(Threads: 2))),
};
var expected = engines[0].Engine.Classify(data.Images, data.Count);
foreach (var (name, engine) in engines)
{
    for (int warm = 0; warm < 3; warm++)
    {
        if (!engine.Classify(data.Images, data.Count).SequenceEqual(expected)) throw new InvalidOperationException($"{name} disagrees with the golden kernel");
    }
}
var seconds = engines.Select(_ => new List<double>()).ToArray();
var cpuSeconds = engines.Select(_ => new List<double>()).ToArray();
using var self = Process.GetCurrentProcess();
for (int round = 0; round < rounds; round++)
{
    for (int e = 0; e < engines.Length; e++)
    {
        self.Refresh();
        var cpu = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var classes = engines[e].Engine.Classify(data.Images, data.Count);
        seconds[e].Add(watch.Elapsed.TotalSeconds);
        self.Refresh();
        cpuSeconds[e].Add((self.TotalProcessorTime - cpu).TotalSeconds);
        if (!classes.SequenceEqual(expected)) throw new InvalidOperationException($"{engines[e].Name} disagrees with the golden kernel");
    }
}
int correct = expected.Where((c, i) => c == data.Labels[i]).Count();
Console.WriteLine($"{spec.Name} on {datasetName} ({data.Count:N0} images, {correct:N0} correct by every engine), kernels at {KernelCpu.Best}; load {load} before, {File.ReadAllText("/proc/loadavg").Trim()} after; median of {rounds} interleaved rounds after 3 warm-up passes");
double golden = seconds[0].Order().ElementAt(rounds / 2);
for (int e = 0; e < engines.Length; e++)
{
    double median = seconds[e].Order().ElementAt(rounds / 2);
    double cpu = cpuSeconds[e].Order().ElementAt(rounds / 2);
    Console.WriteLine($"  {engines[e].Name,-24} {data.Count / median,10:N0} images/s  ({median * 1e3:F1} ms per pass, {golden / median:F2}x the golden kernel; CPU {cpu * 1e3:F1} ms per pass, {data.Count / cpu:N0} images per CPU second)");
}
