using System.Globalization;
using System.Text;

namespace HwFlow.Sim.Streams;

/// <summary>A reset pulse asserted on cycles [Cycle, Cycle + Length).</summary>
public sealed record ResetPulse(long Cycle, int Length);

/// <summary>
/// What a stream run drives into the AXI4-Stream top: the input frames, the seeded valid gaps
/// and ready backpressure, reset pulses, and the limits that end a run. The C# driver and the
/// generated Verilator harness read the same record (the harness from <see cref="ToText"/>) and
/// make the same decisions cycle by cycle, so their traces must match exactly.
/// </summary>
public sealed record StreamStimulus
{
    public required IReadOnlyList<byte[]> Frames { get; init; }

    /// <summary>Seed of the SplitMix64 generator; two numbers are drawn every cycle, whatever happens.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Probability that the driver, free to offer the next byte, withholds s_axis_tvalid this cycle.</summary>
    public double InputGapProbability { get; init; }

    /// <summary>Probability that m_axis_tready is low in a cycle.</summary>
    public double OutputStallProbability { get; init; }

    /// <summary>Cycles of reset at the start.</summary>
    public int InitialResetCycles { get; init; } = 2;

    /// <summary>Further reset pulses; the frame being sent when one starts is abandoned and the next frame follows.</summary>
    public IReadOnlyList<ResetPulse> Resets { get; init; } = [];

    /// <summary>A run with work left and no handshake for this many cycles is a deadlock.</summary>
    public long DeadlockCycles { get; init; } = 100_000;

    public long MaxCycles { get; init; } = long.MaxValue / 2;

    /// <summary>A probability as a threshold on the top 32 bits of a draw, so C# and C++ compare integers, never doubles.</summary>
    public static ulong Threshold(double probability)
    {
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), "a probability must be in [0, 1]");
        return (ulong)Math.Round(probability * 4294967296.0);
    }

    public const string Format = "hwflow-stimulus/1";

    /// <summary>The text the harness reads: a header of numbers, then each frame as its length and hex bytes.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(Format).Append('\n');
        Line(text, "seed", Seed);
        Line(text, "gap_threshold", Threshold(InputGapProbability));
        Line(text, "stall_threshold", Threshold(OutputStallProbability));
        Line(text, "initial_reset", (ulong)InitialResetCycles);
        Line(text, "deadlock_cycles", (ulong)DeadlockCycles);
        Line(text, "max_cycles", (ulong)MaxCycles);
        Line(text, "resets", (ulong)Resets.Count);
        foreach (var r in Resets) text.Append(r.Cycle.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(r.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line(text, "frames", (ulong)Frames.Count);
        foreach (var frame in Frames)
        {
            text.Append(frame.Length.ToString(CultureInfo.InvariantCulture));
            foreach (var b in frame) text.Append(' ').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }

    private static void Line(StringBuilder text, string key, ulong value) =>
        text.Append(key).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
