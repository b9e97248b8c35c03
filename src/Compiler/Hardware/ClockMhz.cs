using System.Globalization;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware;

/// <summary>The one check of a clock frequency (--clock-mhz), wherever a clock is given: compile's folding goal and reports, synth's constraint.</summary>
public static class ClockMhz
{
    /// <summary>Above every FPGA fabric clock by far; a larger number is a typo (Hz for MHz).</summary>
    public const double Limit = 10_000;

    /// <summary>What is wrong with <paramref name="mhz"/> as a clock, or null when it is one.</summary>
    public static string? Problem(double mhz) => mhz > 0 && mhz < Limit
        ? null
        : $"--clock-mhz: expected a frequency in MHz above 0 and below {Limit.ToString("0", CultureInfo.InvariantCulture)}, not {mhz.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Returns <paramref name="mhz"/>, or refuses it (one-line user error naming the option).</summary>
    public static double Check(double mhz) => Problem(mhz) is { } problem ? throw new UserError(problem) : mhz;
}
