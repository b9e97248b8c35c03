using System.Globalization;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>What the folding optimizer aims for; the three cases are the command line's three ways to ask.</summary>
public abstract record FoldingGoal
{
    private FoldingGoal() { }

    /// <summary>`--target-fps F --clock-mhz C`: the fewest LUTs whose II meets C*1e6/F cycles per frame.</summary>
    public sealed record TargetFps(double FramesPerSecond, double ClockMhz) : FoldingGoal;

    /// <summary>`--max-luts L`: the smallest II within L LUTs.</summary>
    public sealed record MaxLuts(long Luts) : FoldingGoal;

    /// <summary>At most this many cycles per frame (at least the fastest any design reaches), with the fewest LUTs: a device fit's retry at a slower pace.</summary>
    public sealed record MaxCycles(long Cycles) : FoldingGoal;

    /// <summary>Neither: the fastest the input stream (and the layers) allow, with the fewest LUTs.</summary>
    public sealed record Fastest : FoldingGoal;

    /// <summary>Rejects non-positive or non-finite option values, naming the option.</summary>
    public void Validate()
    {
        switch (this)
        {
            case TargetFps t:
                Positive(t.FramesPerSecond, "--target-fps", "frames per second");
                ClockMhz.Check(t.ClockMhz);
                break;
            case MaxLuts m when m.Luts < 1:
                throw new UserError($"--max-luts must be a positive number of LUTs, got {m.Luts.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static void Positive(double value, string option, string unit)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new UserError($"{option} must be a positive number of {unit}, got {value.ToString(CultureInfo.InvariantCulture)}");
    }
}

/// <summary>
/// A folding goal that no legal folding reaches. The message says what limits it (the input
/// stream, a layer, or the smallest design); the properties carry the same facts for callers.
/// </summary>
public sealed class FoldingGoalUnreachable(string message, string limitedBy, double bestFramesPerSecond, long smallestLuts)
    : UserError(message)
{
    /// <summary>"input stream", a layer name, or "LUT budget".</summary>
    public string LimitedBy { get; } = limitedBy;

    /// <summary>For an fps target: the best frames/s any legal folding reaches (rounded down to a whole frame), else 0.</summary>
    public double BestFramesPerSecond { get; } = bestFramesPerSecond;

    /// <summary>For a LUT budget: the LUT estimate of the smallest legal design, else 0.</summary>
    public long SmallestLuts { get; } = smallestLuts;
}
