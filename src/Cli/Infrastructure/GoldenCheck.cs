using System.Numerics;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Graph;

namespace HwFlow.Cli.Infrastructure;

/// <summary>Hardware results against the integer golden kernel of the build (graph.ir), frame by frame.</summary>
public static class GoldenCheck
{
    public sealed record Outcome(string Summary, int Mismatches, int? FirstMismatch);

    public static Outcome Compare(BuildFolder build, IReadOnlyList<byte[]> frames, IReadOnlyList<BigInteger> results)
    {
        var expected = new GraphExecutor(build.Graph).Classify([.. frames.SelectMany(f => f)], frames.Count);
        var differing = Enumerable.Range(0, frames.Count).Where(i => i >= results.Count || results[i] != expected[i]).ToList();
        if (differing.Count == 0) return new Outcome($"all {frames.Count:N0} equal", 0, null);
        int first = differing[0];
        string got = first < results.Count ? results[first].ToString() : "nothing";
        return new Outcome($"{differing.Count:N0} of {frames.Count:N0} differ (first: frame {first}, golden kernel {expected[first]}, hardware {got})", differing.Count, first);
    }
}
