#:project ../src/Training/HwFlow.Training.csproj
#:property PublishAot=false
// Where an image network's training step spends its time: forward and backward of every layer
// on one batch, thread CPU time and wall time, mean of --steps steps after a warm-up. Synthetic
// inputs (the cost does not depend on the values). Times are the process's CPU time (all threads)
// and wall time (meaningful only on a quiet machine), plus one Adam step over all parameters. Run from the repository root:
//   dotnet run -c Release bench/conv-train-profile.cs -- 28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10 [hbnn|bnn|float] [batch] [steps]
using System.Diagnostics;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Native;

var arch = Architecture.Parse(args.Length > 0 ? args[0] : "28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10");
var mode = Architecture.ParseMode(args.Length > 1 ? args[1] : "hbnn");
int batch = args.Length > 2 ? int.Parse(args[2]) : 100;
int steps = args.Length > 3 ? int.Parse(args[3]) : 5;
// as in training: idle OpenBLAS workers asleep, products of at least 2^28 multiply-adds on
// BLAS_THREADS threads (default 2, Trainer's), smaller ones on one (Gemm.LargeThreads)
OpenBlas.EnsureAvailableForTraining();
typeof(AdamOptimizer).Assembly.GetType("HwFlow.Training.Gemm")!.GetProperty("LargeThreads")!.SetValue(null, int.Parse(Environment.GetEnvironmentVariable("BLAS_THREADS") ?? "2"));
var network = NetworkBuilder.Build(arch, mode, 16, ScaleMode.Exact, 1);
var random = new Random(1);
var input = new float[batch * network.Inputs];
for (int i = 0; i < input.Length; i++) input[i] = random.Next(256) / 255f;
var forward = new double[network.Layers.Count];
var backward = new double[network.Layers.Count];
var forwardWall = new double[network.Layers.Count];
var backwardWall = new double[network.Layers.Count];
var optimizer = new AdamOptimizer(network.Parameters);
double adam = 0, adamWall = 0;
for (int step = -1; step < steps; step++)
{
    var x = input;
    for (int i = 0; i < network.Layers.Count; i++)
    {
        var t = Cpu(); var w = Stopwatch.GetTimestamp();
        x = network.Layers[i].Forward(x, batch, training: true);
        if (step >= 0) { forward[i] += Cpu() - t; forwardWall[i] += Stopwatch.GetElapsedTime(w).TotalMilliseconds; }
    }
    var g = new float[x.Length];
    for (int i = 0; i < g.Length; i++) g[i] = (float)(random.NextDouble() - 0.5) / batch;
    for (int i = network.Layers.Count - 1; i >= 0; i--)
    {
        var t = Cpu(); var w = Stopwatch.GetTimestamp();
        g = network.Layers[i].Backward(g, batch, needInputGradient: i > 0)!;
        if (step >= 0) { backward[i] += Cpu() - t; backwardWall[i] += Stopwatch.GetElapsedTime(w).TotalMilliseconds; }
    }
    var ta = Cpu(); var wa = Stopwatch.GetTimestamp();
    optimizer.Step(0.001);
    if (step >= 0) { adam += Cpu() - ta; adamWall += Stopwatch.GetElapsedTime(wa).TotalMilliseconds; }
}
Console.WriteLine($"{arch} {mode}, batch {batch}, load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"{"layer",-28} {"fwd ms CPU",11} {"fwd ms wall",11} {"bwd ms CPU",11} {"bwd ms wall",11}");
for (int i = 0; i < network.Layers.Count; i++)
    Console.WriteLine($"{i,2} {network.Layers[i].GetType().Name,-25} {forward[i] / steps,11:F2} {forwardWall[i] / steps,11:F2} {backward[i] / steps,11:F2} {backwardWall[i] / steps,11:F2}");
Console.WriteLine($"{"Adam",-28} {adam / steps,11:F2} {adamWall / steps,11:F2}");
double total = (forward.Sum() + backward.Sum() + adam) / steps;
double totalWall = (forwardWall.Sum() + backwardWall.Sum() + adamWall) / steps;
Console.WriteLine($"step {total:F1} ms CPU, {totalWall:F1} ms wall: {totalWall * 55000 / batch / 1000:F1} s wall for 55,000 images (mini-batch loop only)");

static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
