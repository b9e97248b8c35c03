#:project ../src/Training/HwFlow.Training.csproj
// Where an image network's training step spends its time: forward and backward of every layer
// on one batch, thread CPU time and wall time, mean of --steps steps after a warm-up. Synthetic
// inputs (the cost does not depend on the values). Times are the process's CPU time (all threads):
// on a shared machine wall time mostly measures the other jobs. Run from the repository root:
//   dotnet run -c Release bench/conv-train-profile.cs -- 28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10 [hbnn|bnn|float] [batch] [steps]
using System.Diagnostics;
using HwFlow.Runtime.Model;
using HwFlow.Training;
using HwFlow.Training.Native;

var arch = Architecture.Parse(args.Length > 0 ? args[0] : "28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10");
var mode = Architecture.ParseMode(args.Length > 1 ? args[1] : "hbnn");
int batch = args.Length > 2 ? int.Parse(args[2]) : 100;
int steps = args.Length > 3 ? int.Parse(args[3]) : 5;
OpenBlas.Threads = 1;
var network = NetworkBuilder.Build(arch, mode, 16, ScaleMode.Exact, 1);
var random = new Random(1);
var input = new float[batch * network.Inputs];
for (int i = 0; i < input.Length; i++) input[i] = random.Next(256) / 255f;
var forward = new double[network.Layers.Count];
var backward = new double[network.Layers.Count];
for (int step = -1; step < steps; step++)
{
    var x = input;
    for (int i = 0; i < network.Layers.Count; i++)
    {
        var t = Cpu();
        x = network.Layers[i].Forward(x, batch, training: true);
        if (step >= 0) forward[i] += Cpu() - t;
    }
    var g = new float[x.Length];
    for (int i = 0; i < g.Length; i++) g[i] = (float)(random.NextDouble() - 0.5) / batch;
    for (int i = network.Layers.Count - 1; i >= 0; i--)
    {
        var t = Cpu();
        g = network.Layers[i].Backward(g, batch, needInputGradient: i > 0)!;
        if (step >= 0) backward[i] += Cpu() - t;
    }
}
Console.WriteLine($"{arch} {mode}, batch {batch}, load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"{"layer",-28} {"forward ms CPU",15} {"backward ms CPU",16}");
for (int i = 0; i < network.Layers.Count; i++)
    Console.WriteLine($"{i,2} {network.Layers[i].GetType().Name,-25} {forward[i] / steps,15:F2} {backward[i] / steps,16:F2}");
double total = (forward.Sum() + backward.Sum()) / steps;
Console.WriteLine($"step {total:F1} ms CPU: {total * 60000 / batch / 1000:F1} s CPU for 60,000 images (mini-batch loop only)");

static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
