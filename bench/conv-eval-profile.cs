#:project ../src/Training/HwFlow.Training.csproj
#:property PublishAot=false
// Where an image network's evaluation (population pass, validation, test: forward only, in
// chunks of TrainingNetwork.EvaluationRows images) spends its time, per layer: process CPU time
// (all threads) and wall time, summed over the chunks that cover --images synthetic images.
// Large GEMMs on 2 OpenBLAS threads as in training (Gemm.LargeThreads), idle workers asleep.
// Run from the repository root:
//   dotnet run -c Release bench/conv-eval-profile.cs -- 28x28x1-c64k3p1-p2-c128k3p1-p2-f-256-10 [hbnn|bnn|float] [images] [chunk]
using System.Diagnostics;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Native;

var arch = Architecture.Parse(args.Length > 0 ? args[0] : "28x28x1-c64k3p1-p2-c128k3p1-p2-f-256-10");
var mode = Architecture.ParseMode(args.Length > 1 ? args[1] : "hbnn");
int images = args.Length > 2 ? int.Parse(args[2]) : 2000;
OpenBlas.EnsureAvailableForTraining();
typeof(AdamOptimizer).Assembly.GetType("HwFlow.Training.Gemm")!.GetProperty("LargeThreads")!.SetValue(null, 2);
var network = NetworkBuilder.Build(arch, mode, 16, ScaleMode.Exact, 1);
int chunk = args.Length > 3 ? int.Parse(args[3]) : network.EvaluationRows;
var random = new Random(1);
var input = new float[chunk * network.Inputs];
for (int i = 0; i < input.Length; i++) input[i] = random.Next(256) / 255f;
var cpu = new double[network.Layers.Count];
var wall = new double[network.Layers.Count];
for (int pass = 0; pass < 2; pass++) // the first pass warms up
{
    Array.Clear(cpu); Array.Clear(wall);
    for (int done = 0; done < images; done += chunk)
    {
        int rows = Math.Min(chunk, images - done);
        var x = input;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var t = Cpu(); var w = Stopwatch.GetTimestamp();
            x = network.Layers[i].Forward(x, rows, training: false);
            cpu[i] += Cpu() - t; wall[i] += Stopwatch.GetElapsedTime(w).TotalMilliseconds;
        }
    }
}
Console.WriteLine($"{arch} {mode}, {images} images in chunks of {chunk}, load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"{"layer",-28} {"ms CPU",9} {"ms wall",9}");
for (int i = 0; i < network.Layers.Count; i++)
    Console.WriteLine($"{i,2} {network.Layers[i].GetType().Name,-25} {cpu[i],9:F1} {wall[i],9:F1}");
Console.WriteLine($"total {cpu.Sum():F0} ms CPU, {wall.Sum():F0} ms wall: {wall.Sum() * 25000 / images / 1000:F1} s wall for 25,000 images");

static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
