using System.CommandLine;
using HwFlow.Sim;

namespace HwFlow.Cli.Infrastructure;

/// <summary>--lanes: how many streams the C# simulator runs at once in SIMD lanes (resolved by <see cref="Flow.LaneChoice"/>).</summary>
public static class LaneOption
{
    public static Option<int?> Create() => new("--lanes")
    {
        Description = $"Streams the C# simulator runs at once, one per SIMD lane: 1, or {Simulator.LaneCount} (the frames split into {Simulator.LaneCount} streams of consecutive frames, all with the same stimulus timing); default {Simulator.LaneCount} on CPUs with AVX-512, else 1",
    };
}
