#:project ../src/Compiler/HwFlow.Compiler.csproj
// Run time of the folding optimizer on the 784-256-256-10 (fmnist-hbnn-mlp widths) and 784-1024x3-10
// (FINN LFC as a BNN) shapes, for the three goals. The peer, in the same run, is an exhaustive
// search over every combination of legal per-layer foldings (with the per-layer estimates computed
// once, as the optimizer does): it finds the same fastest design, which also checks the optimizer.
// Run from the repository root:  dotnet run -c Release bench/folding-optimizer.cs
using System.Diagnostics;
using HwFlow.Compiler.Hardware.Folding;

LayerShape Dense(string name, int inputs, int outputs, int weightWidth, int accumulator, int nextChunk) =>
    new(name, LayerKind.Dense, inputs, outputs, inputs, 8, weightWidth, 0, 0, 0, accumulator, 1, nextChunk);
LayerShape Binary(string name, int inputs, int outputs, int chunk, int factor, int coefficient, int accumulator, int output, int nextChunk) =>
    new(name, LayerKind.Binary, inputs, outputs, chunk, 1, 1, factor, coefficient, 0, accumulator, output, nextChunk);

var designs = new (string Name, LayerShape[] Shapes)[]
{
    ("784-256-256-10 (HBNN, chunk 16)", [
        Dense("l0", 784, 256, 10, 25, 16),
        Binary("l4", 256, 256, 16, 31, 12, 48, 1, 16),
        Binary("l7", 256, 10, 16, 27, 12, 45, 45, 0)]),
    ("784-1024x3-10 (BNN)", [
        Dense("l0", 784, 1024, 2, 18, 0),
        Binary("l1", 1024, 1024, 1024, 0, 0, 12, 1, 0),
        Binary("l2", 1024, 1024, 1024, 0, 0, 12, 1, 0),
        Binary("l3", 1024, 10, 1024, 0, 0, 12, 12, 0)]),
};
const int InputBytes = 784;
const int Runs = 21;

double MedianMs(Action action)
{
    action();
    var times = new double[Runs];
    for (int i = 0; i < Runs; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        times[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return times[Runs / 2];
}

(long Ii, long Luts, long Plans) Exhaustive(LayerShape[] shapes)
{
    var model = ResourceModel.Default;
    var options = shapes.Select((s, i) => FoldingRules.LegalFoldings(s).Select(f => (
        Cycles: FoldingTiming.LayerCycles(s, f),
        Luts: model.Layer(s, f).Luts + (i == shapes.Length - 1 ? model.Argmax(s, f.Pe).Luts : 0))).ToArray()).ToArray();
    long bestIi = long.MaxValue, bestLuts = long.MaxValue, plans = 0;
    void Visit(int layer, long ii, long luts)
    {
        if (layer == options.Length)
        {
            plans++;
            if (ii < bestIi || (ii == bestIi && luts < bestLuts)) (bestIi, bestLuts) = (ii, luts);
            return;
        }
        foreach (var (cycles, l) in options[layer]) Visit(layer + 1, Math.Max(ii, cycles), luts + l);
    }
    Visit(0, InputBytes, model.InputStage(InputBytes).Luts);
    return (bestIi, bestLuts, plans);
}

Console.WriteLine("| shape | goal | optimizer (median of 21) | exhaustive search (median of 3) | ratio | same II and LUTs |");
Console.WriteLine("|---|---|---:|---:|---:|---|");
foreach (var (name, shapes) in designs)
{
    var fastest = FoldingOptimizer.Optimize(shapes, InputBytes, new FoldingGoal.Fastest());
    long fastestLuts = ResourceModel.Default.Design(shapes, InputBytes, fastest).Luts;
    var peer = Exhaustive(shapes);
    var peerTimes = Enumerable.Range(0, 3).Select(_ =>
    {
        var watch = Stopwatch.StartNew();
        Exhaustive(shapes);
        return watch.Elapsed.TotalMilliseconds;
    }).Order().ToArray();
    double peerMs = peerTimes[1];
    bool same = peer.Item1 == FoldingTiming.InitiationInterval(shapes, InputBytes, fastest) && peer.Item2 == fastestLuts;

    foreach (var (goalName, goal) in new (string, FoldingGoal)[]
    {
        ("fastest", new FoldingGoal.Fastest()),
        ("--target-fps 50000 --clock-mhz 100", new FoldingGoal.TargetFps(50_000, 100)),
        ($"--max-luts {fastestLuts / 2}", new FoldingGoal.MaxLuts(fastestLuts / 2)),
    })
    {
        double ms = MedianMs(() => FoldingOptimizer.Optimize(shapes, InputBytes, goal));
        bool isFastest = goal is FoldingGoal.Fastest;
        Console.WriteLine($"| {name} | {goalName} | {ms:F2} ms | {(isFastest ? $"{peerMs:F0} ms ({peer.Item3:N0} plans)" : "")} | "
            + $"{(isFastest ? $"{peerMs / ms:F0}x" : "")} | {(isFastest ? (same ? "yes" : "NO") : "")} |");
    }
}
