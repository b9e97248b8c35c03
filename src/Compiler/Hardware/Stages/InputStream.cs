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

    /// <summary>Bits one input element takes on the wire.</summary>
    public static int BitsPerElement(InputFormat format) => format == InputFormat.Bits ? 1 : ElementBits;

    /// <summary>The plan with its input stream <paramref name="bits"/> wide; a width that does not fit the frame is a user error listing those that do.</summary>
    public static StagePlan Widen(StagePlan plan, int bits)
    {
        if (Problem(plan, bits) is { } problem) throw new UserError(problem);
        return plan with { InputWidth = bits };
    }

    /// <summary>
    /// `--input-format bits`: one bit per pixel on the wire, the host applying the first layer's
    /// input threshold (bit = byte &gt;= t). Only a binary first layer that binarizes every input
    /// byte with one threshold and nothing else (no transform, window or chunk factors in front of
    /// it) qualifies; any other model is refused in one line.
    /// </summary>
    public static StagePlan AsBits(StagePlan plan)
    {
        var first = plan.Stages[0];
        string? why = plan.Front is not null ? "it starts with a Walsh-Hadamard transform of the input bytes"
            : first.IsDense ? $"its first layer {first.Name} is a LinearLayer on the 8-bit input bytes"
            : first.IsPlane ? $"its first layer {first.Name} reads multi-bit input levels, not one bit per pixel"
            : first.Window is not null ? $"its first layer {first.Name} is a convolution"
            : first.Prep is not { ElementsAreBits: false, StoresElements: false, InputLevels: null, Factor: FactorKind.None } ? $"its first layer {first.Name} sums the input bytes per chunk"
            : null;
        if (why is not null)
            throw new UserError($"--input-format bits: model {plan.Model} does not binarize its input pixels with one threshold ({why}); "
                + "one bit per pixel needs a binary first layer reading the bytes through one threshold x >= t (e.g. QONNX's x*2-1 then BipolarQuant)");
        return plan with { InputFormat = InputFormat.Bits, Stages = [first with { Prep = first.Prep! with { ElementsAreBits = true } }, .. plan.Stages.Skip(1)] };
    }

    /// <summary>The threshold the host applies to every input byte of a bits-format plan (bit = byte &gt;= t), from the first layer before <see cref="AsBits"/>.</summary>
    public static long PixelThreshold(StagePlan plan) => plan.Stages[0].Prep!.BitThreshold;

    /// <summary>
    /// As <see cref="Problem(int, int)"/>, and a first binary stage that sums its inputs per chunk
    /// (HBNN chunk factors) takes whole beats per chunk or whole chunks per beat.
    /// </summary>
    public static string? Problem(StagePlan plan, int bits)
    {
        if (plan.InputFormat == InputFormat.Bits)
            return bits < ElementBits || bits % ElementBits != 0 || bits > MaxWidth
                ? $"--input-width {bits}: with --input-format bits, expected a whole number of bytes from {ElementBits} to {MaxWidth} bits ({bits} pixels a beat, the last beat padded with 0 bits)"
                : null;
        if (Problem(plan.InputBytes, bits) is { } problem) return problem;
        int bytes = bits / ElementBits;
        if (!SplitsChunks(plan, bytes)) return null;
        string legal = string.Join(", ", LegalWidths(plan).Select(w => w.ToString(CultureInfo.InvariantCulture)));
        return $"--input-width {bits}: the first layer {plan.Stages[0].Name} sums its inputs in chunks of {plan.Stages[0].Prep!.Chunk}, "
            + $"and a beat of {bytes} bytes would split one (legal widths: {legal})";
    }

    /// <summary>Every legal width for the plan's frame and first stage, narrowest first.</summary>
    public static IReadOnlyList<int> LegalWidths(StagePlan plan) => plan.InputFormat == InputFormat.Bits
        ? [.. Enumerable.Range(1, MaxWidth / ElementBits).Select(b => b * ElementBits)]
        : [.. LegalWidths(plan.InputBytes).Where(w => !SplitsChunks(plan, w / ElementBits))];

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

/// <summary>What one input element is on s_axis_tdata.</summary>
public enum InputFormat
{
    /// <summary>A byte per pixel, the frame's first byte in the low bits of the first beat.</summary>
    Bytes,

    /// <summary>
    /// A bit per pixel (the host compares each byte with the first layer's threshold): a beat of W
    /// bits carries W pixels, the frame's first pixel in bit 0 of the first beat; the last beat's
    /// bits past the frame are 0 and never read.
    /// </summary>
    Bits,
}
