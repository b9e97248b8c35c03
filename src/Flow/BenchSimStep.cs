using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using HwFlow.Sim;
using HwFlow.Sim.Bench;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Verilator;

namespace HwFlow.Flow;

/// <param name="Count">Fashion-MNIST test images to stream (split into one stream per SIMD lane).</param>
/// <param name="Repeats">Rounds per engine; each keeps its best, to filter out other jobs' noise.</param>
public sealed record BenchSimRequest(string Build, int Count = 1000, int Repeats = 3) : IFlowRequest
{
    public const string Dataset = "fashion-mnist";

    public IReadOnlyList<string> Inputs => [Build, DatasetCatalog.SourcePath(Dataset)];
}

/// <summary>`hwflow bench sim`: the C# simulator and the Verilator model on the same frames, cycles/s and their ratio.</summary>
internal static class BenchSimStep
{
    public static SimBenchResult Run(BenchSimRequest request, CancellationToken cancel)
    {
        if (request.Count < Simulator.LaneCount) throw new UserError($"--count must be at least {Simulator.LaneCount} (one stream per SIMD lane), got {request.Count}");
        var folder = BuildFolder.Open(request.Build);
        var frames = DatasetFit.Frames(folder, new DatasetChoice(BenchSimRequest.Dataset, DataSplit.Test, request.Count).Load());
        return SimBenchmark.Run(folder.Manifest.Model, folder.Design, folder.StreamModel(cancel), frames, repeats: request.Repeats, cancel: cancel,
            deadlockCycles: DeadlockLimit.For(folder.Manifest));
    }
}
