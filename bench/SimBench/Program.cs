using System.Globalization;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Bench;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Sim.Verilator;

// C# simulator vs Verilator on one stream design, in one run. Until `hwflow compile` exists the
// default design is the synthetic layer-0-shaped workload, written as a real build folder first.
//   dotnet run --project bench/SimBench -c Release -- [--build FOLDER | --shape IN,SIMD,PE,OUT [--binary]] [--frames N] [--dataset fashion-mnist] [--gap P] [--stall P] [--repeats N]
try
{
    string? build = Option("--build");
    int[] shape = (Option("--shape") ?? "784,16,16,64").Split(',').Select(int.Parse).ToArray();
    int frameCount = int.Parse(Option("--frames") ?? "300", CultureInfo.InvariantCulture);
    double gap = double.Parse(Option("--gap") ?? "0", CultureInfo.InvariantCulture);
    double stall = double.Parse(Option("--stall") ?? "0", CultureInfo.InvariantCulture);
    bool binary = args.Contains("--binary");
    int repeats = int.Parse(Option("--repeats") ?? "3", CultureInfo.InvariantCulture);
    string kind = binary ? "xnor" : "addsub";

    string name = $"synthetic-{kind}-layer-{string.Join('x', shape)}";
    string folder = build ?? Path.Combine(Path.GetTempPath(), "hwflow-simbench-" + name);
    if (build is null)
    {
        var layer = new SyntheticLayer.Shape(shape[0], shape[1], shape[2], shape[3], binary);
        BuildFolder.Write(folder, SyntheticLayer.Design(layer), new BuildManifest { Model = name, InputBytes = layer.InputBytes, OutputWidth = 8, HwflowVersion = "0.1.0", CyclesPerFrame = layer.CyclesPerFrame });
    }
    var folderData = BuildFolder.Open(folder);
    var model = folderData.StreamModel();
    var rng = new SplitMix64(3);
    var dataset = Option("--dataset") is { } datasetName ? DatasetCatalog.Load(datasetName, DataSplit.Test).Take(frameCount) : null;
    if (dataset is not null && dataset.Features != folderData.Manifest.InputBytes)
        throw new UserError($"dataset {dataset.Name} has {dataset.Features} bytes per image, the build takes {folderData.Manifest.InputBytes}");
    var frames = dataset is not null
        ? Enumerable.Range(0, dataset.Count).Select(i => dataset.Image(i).ToArray()).ToList()
        : Enumerable.Range(0, frameCount).Select(_ => Enumerable.Range(0, folderData.Manifest.InputBytes).Select(_ => (byte)rng.NextInt(256)).ToArray()).ToList();
    var r = SimBenchmark.Run(folderData.Manifest.Model, folderData.Design, model, frames, gap, stall, repeats: repeats);
    Console.WriteLine($"design {r.Design}: {r.Cells} cells ({r.EvaluatedCells} evaluated after folding), {r.Frames} frames, {r.Cycles} cycles, best of {r.Repeats} rounds each; C# simulator built in {r.CompileSeconds:F2} s");
    foreach (var e in new[] { r.CSharp, r.Verilator })
        Console.WriteLine($"  {e.Engine,-24} {e.CyclesPerSecond / 1e6,8:F3} Mcycles/s (CPU)  {e.WallCyclesPerSecond / 1e6,8:F3} Mcycles/s (wall)");
    Console.WriteLine($"  ratio C#/Verilator: {r.Ratio:F2} (CPU), {r.WallRatio:F2} (wall); transcripts {(r.Agree ? "identical" : "DIFFER: " + r.Mismatch)}");
    return r.Agree ? 0 : 1;
}
catch (Exception e) when (e is UserError or ArgumentException)
{
    Console.Error.WriteLine($"simbench: error: {e.Message}");
    return 2;
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
