using System.Globalization;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Stages;

/// <summary>
/// `--input-width BITS`: how wide the AXI4-Stream input (s_axis_tdata) is. A beat carries
/// BITS / 8 input bytes, the first byte of the frame in the low bits (AXI4-Stream byte-lane
/// order), so a frame takes InputBytes * 8 / BITS beats, one a cycle at best. The width is a
/// whole number of bytes that divides the frame into whole beats, at most <see cref="MaxWidth"/>
/// bits (the simulators' stream ports are 64-bit words).
/// </summary>
public static class InputStream
{
    /// <summary>Bits of one raw input element on the stream: a byte (a binarized first layer compares each byte on chip).</summary>
    public const int ElementBits = 8;

    public const int MaxWidth = 64;

    /// <summary>The plan with its input stream <paramref name="bits"/> wide; a width that does not fit the frame is a user error listing those that do.</summary>
    public static StagePlan Widen(StagePlan plan, int bits)
    {
        if (Problem(plan, bits) is { } problem) throw new UserError(problem);
        return plan with { InputWidth = bits };
    }

    /// <summary>
    /// As <see cref="Problem(int, int)"/>, and a first binary stage that sums its inputs per chunk
    /// (HBNN chunk factors) takes whole beats per chunk or whole chunks per beat.
    /// </summary>
    public static string? Problem(StagePlan plan, int bits)
    {
        if (Problem(plan.InputBytes, bits) is { } problem) return problem;
        int bytes = bits / ElementBits;
        if (!SplitsChunks(plan, bytes)) return null;
        string legal = string.Join(", ", LegalWidths(plan).Select(w => w.ToString(CultureInfo.InvariantCulture)));
        return $"--input-width {bits}: the first layer {plan.Stages[0].Name} sums its inputs in chunks of {plan.Stages[0].Prep!.Chunk}, "
            + $"and a beat of {bytes} bytes would split one (legal widths: {legal})";
    }

    /// <summary>Every legal width for the plan's frame and first stage, narrowest first.</summary>
    public static IReadOnlyList<int> LegalWidths(StagePlan plan) =>
        [.. LegalWidths(plan.InputBytes).Where(w => !SplitsChunks(plan, w / ElementBits))];

    private static bool SplitsChunks(StagePlan plan, int bytes)
    {
        var first = plan.Stages[0];
        if (bytes == 1 || plan.Front is not null || first.Window is not null || first.Prep is not { FactorWidth: > 0 } prep) return false;
        return bytes <= prep.Chunk ? prep.Chunk % bytes != 0 : bytes % prep.Chunk != 0 || first.Inputs % prep.Chunk != 0;
    }

    /// <summary>Every legal width for a frame of <paramref name="inputBytes"/> bytes, narrowest first.</summary>
    public static IReadOnlyList<int> LegalWidths(int inputBytes) =>
        [.. Enumerable.Range(1, MaxWidth / ElementBits).Where(b => inputBytes % b == 0).Select(b => b * ElementBits)];

    /// <summary>The widths a device's stream offers (powers of two up to its limit) that also fit the frame.</summary>
    public static IReadOnlyList<int> PowerOfTwoWidths(StagePlan plan, int limit) => PowerOfTwo(LegalWidths(plan), limit);

    /// <summary>As <see cref="PowerOfTwoWidths(StagePlan, int)"/> for a frame of <paramref name="inputBytes"/> bytes whatever its first layer.</summary>
    public static IReadOnlyList<int> PowerOfTwoWidths(int inputBytes, int limit) => PowerOfTwo(LegalWidths(inputBytes), limit);

    private static List<int> PowerOfTwo(IEnumerable<int> widths, int limit) => [.. widths.Where(w => w <= limit && (w & (w - 1)) == 0)];

    public static string? Problem(int inputBytes, int bits)
    {
        string legal = string.Join(", ", LegalWidths(inputBytes).Select(w => w.ToString(CultureInfo.InvariantCulture)));
        if (bits < ElementBits || bits % ElementBits != 0 || bits > MaxWidth)
            return $"--input-width {bits}: expected a whole number of bytes from {ElementBits} to {MaxWidth} bits (for these {inputBytes}-byte frames: {legal})";
        if (inputBytes % (bits / ElementBits) != 0)
            return $"--input-width {bits}: {bits / ElementBits} bytes a beat do not divide the {inputBytes}-byte frame into whole beats (legal widths: {legal})";
        return null;
    }
}
