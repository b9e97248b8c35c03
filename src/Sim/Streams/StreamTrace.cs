using System.Numerics;

namespace HwFlow.Sim.Streams;

/// <summary>One output beat: m_axis_tdata accepted on the edge ending <see cref="Cycle"/>.</summary>
public sealed record StreamTransaction(long Cycle, BigInteger Data);

public enum StreamStatus
{
    /// <summary>Every frame went in and every result expected since the last reset came out.</summary>
    Completed,
    Deadlock,
    Timeout,
    /// <summary>More results came out than frames went in since the last reset.</summary>
    Duplicated,
}

/// <summary>What a stream run observed; engines are compared on <see cref="Outputs"/>, <see cref="Status"/> and <see cref="Cycles"/>.</summary>
public sealed record StreamTrace(IReadOnlyList<StreamTransaction> Outputs, StreamStatus Status, long Cycles,
    IReadOnlyList<long> FrameEndCycles, string? Diagnosis)
{
    /// <summary>The text both engines print for a trace (one line per event, one end line), compared line by line.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var t in Outputs) yield return $"O {t.Cycle} {HexText.Of(t.Data)}";
        yield return $"END {Status.ToString().ToLowerInvariant()} {Cycles}";
    }
}
