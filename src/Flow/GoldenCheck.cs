using System.Numerics;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Graph;

namespace HwFlow.Flow;

/// <summary>Hardware results against the integer golden kernel of the build (graph.ir), frame by frame: classes, or every score of a scores output.</summary>
public static class GoldenCheck
{
    public sealed record Outcome(string Summary, int Mismatches, int? FirstMismatch);

    /// <summary>Frames per golden-kernel call: Ctrl-C is noticed between batches.</summary>
    private const int Batch = 1000;

    public static Outcome Compare(BuildFolder build, IReadOnlyList<byte[]> frames, IReadOnlyList<BigInteger> results, CancellationToken cancel = default) =>
        Compare(Expected(build, frames, cancel), results);

    /// <summary>The golden kernel's answer to every frame (a class, or a scores word), computed before or while the hardware runs.</summary>
    public static IReadOnlyList<BigInteger> Expected(BuildFolder build, IReadOnlyList<byte[]> frames, CancellationToken cancel = default)
    {
        var graph = build.Graph;
        Runtime.IO.StartupLaps.Lap("golden: graph.ir parsed");
        var executor = new GraphExecutor(graph);
        var expected = new List<BigInteger>(frames.Count);
        for (int start = 0; start < frames.Count; start += Batch)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = frames.Skip(start).Take(Batch).ToList();
            expected.AddRange(HardwareAnswer.Expected(executor, [.. batch.SelectMany(f => f)], batch.Count));
        }
        return expected;
    }

    /// <summary>Hardware results against the golden kernel's <paramref name="expected"/> answers, one per frame.</summary>
    public static Outcome Compare(IReadOnlyList<BigInteger> expected, IReadOnlyList<BigInteger> results)
    {
        int count = expected.Count;
        var differing = Enumerable.Range(0, count).Where(i => i >= results.Count || results[i] != expected[i]).ToList();
        if (differing.Count == 0) return new Outcome($"all {count:N0} equal", 0, null);
        int first = differing[0];
        string got = first < results.Count ? results[first].ToString() : "nothing";
        return new Outcome($"{differing.Count:N0} of {count:N0} differ (first: frame {first}, golden kernel {expected[first]}, hardware {got})", differing.Count, first);
    }
}
