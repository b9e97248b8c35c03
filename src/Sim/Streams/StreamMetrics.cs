namespace HwFlow.Sim.Streams;

/// <summary>
/// Timing a stream run measured: the steady-state interval between results (the hardware's
/// cycles per frame when the input is not the limit) and each frame's latency, from the cycle
/// its last byte went in to the cycle its result came out. Meaningful for runs without resets.
/// </summary>
public sealed record StreamMetrics(int Results, double CyclesPerFrame, long MinLatencyCycles, long MaxLatencyCycles, long Cycles)
{
    public static StreamMetrics Of(StreamTrace trace)
    {
        var outputs = trace.Outputs;
        int n = Math.Min(outputs.Count, trace.FrameEndCycles.Count);
        double interval = outputs.Count >= 2 ? (double)(outputs[^1].Cycle - outputs[0].Cycle) / (outputs.Count - 1) : double.NaN;
        var latencies = Enumerable.Range(0, n).Select(i => outputs[i].Cycle - trace.FrameEndCycles[i]).ToList();
        return new StreamMetrics(outputs.Count, interval, latencies.Count > 0 ? latencies.Min() : 0, latencies.Count > 0 ? latencies.Max() : 0, trace.Cycles);
    }
}
