using System.Globalization;
using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga;

/// <summary>
/// Says why a design does not fit a device: every resource over its capacity, by how much, and
/// what to change. Reads nextpnr's report after packing, which counts what placement would need.
/// </summary>
public static class FitCheck
{
    private sealed record Kind(string BelType, string Name, string Advice);

    private static readonly Kind[] Kinds =
    [
        new("ICESTORM_LC", "logic cells (LUT4 + FF)", "fold more: smaller PE/SIMD, so fewer neurons and inputs are computed in parallel"),
        new("ICESTORM_RAM", "block RAM (4 kbit)", "fold differently: fewer PE (each PE's weights take their own block RAMs) or a device with more block RAM"),
        new("ICESTORM_SPRAM", "single-port RAM (256 kbit)", "use fewer large RAMs"),
        new("ICESTORM_DSP", "DSP blocks", "HwFlow hardware should use no DSP at all"),
        new("SB_IO", "I/O pins", "wrap the core in a board shell (--shell) so only the board's pins leave the chip"),
        new("SB_GB", "global buffers", "use fewer clock and reset nets"),
    ];

    // What nextpnr-ice40 prints when placement gives up; over capacity it may fail in the analytic
    // placer ("Failed to expand region") before it ever says which resource is short, and just under
    // it the detailed placer may find no legal placement (TFC_1W2A on the UP5K at 96.8% of the cells).
    private static readonly string[] PlacementGaveUpMessages = ["no BELs remaining", "Unable to place", "Design uses", "Failed to expand region", "Unable to find legal placement"];

    /// <summary>True when <paramref name="nextpnrOutput"/> says placement gave up, so the packed counts should say what overflowed.</summary>
    public static bool PlacementGaveUp(string nextpnrOutput) =>
        PlacementGaveUpMessages.Any(m => nextpnrOutput.Contains(m, StringComparison.Ordinal));

    /// <summary>The resources over capacity in <paramref name="packed"/>, as "name: used of available (over by n, p%)".</summary>
    public static IReadOnlyList<string> Overflows(NextpnrReport packed) =>
        packed.Utilization
            .Where(kv => kv.Value.Used > kv.Value.Available)
            .OrderBy(kv => Array.FindIndex(Kinds, k => k.BelType == kv.Key) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => Describe(kv.Key, kv.Value))
            .ToList();

    /// <summary>The one-line error for a design that does not fit, or null when nothing overflows.</summary>
    public static UserError? Error(NextpnrReport packed, FpgaTarget target)
    {
        var over = packed.Utilization.Where(kv => kv.Value.Used > kv.Value.Available).Select(kv => kv.Key).ToHashSet();
        if (over.Count == 0) return null;
        var advice = Kinds.Where(k => over.Contains(k.BelType)).Select(k => k.Advice).FirstOrDefault() ?? "fold more (smaller PE/SIMD)";
        return new UserError($"{target.Name}: the design does not fit the {target.Device}: {string.Join("; ", Overflows(packed))}; {advice}");
    }

    /// <summary>
    /// The error for a design placement gave up on although nothing is over capacity: its fullest
    /// resource, which leaves the placer no room; null when nothing is counted.
    /// </summary>
    public static UserError? AtLimit(NextpnrReport packed, FpgaTarget target)
    {
        var fullest = packed.Utilization.Where(kv => kv.Value.Available > 0 && Kinds.Any(k => k.BelType == kv.Key))
            .OrderByDescending(kv => (double)kv.Value.Used / kv.Value.Available).ThenBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault();
        if (fullest.Key is null) return null;
        var count = fullest.Value;
        return new UserError(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name}: the design does not fit the {target.Device}: placement found no legal place for every cell with {Label(fullest.Key)} at {count.Used} of {count.Available} ({100.0 * count.Used / count.Available:0.#}%), too full to place; {Kinds.First(k => k.BelType == fullest.Key).Advice}"));
    }

    /// <summary>A bel type as users read it: "logic cells (LUT4 + FF) [ICESTORM_LC]", or the bare type when it is not one of <see cref="Kinds"/>.</summary>
    private static string Label(string belType) => Kinds.FirstOrDefault(k => k.BelType == belType) is { } kind ? $"{kind.Name} [{belType}]" : belType;

    private static string Describe(string belType, ResourceCount count)
    {
        var name = Label(belType);
        var over = count.Used - count.Available;
        var percent = count.Available > 0
            ? string.Create(CultureInfo.InvariantCulture, $", {100.0 * over / count.Available:0.#}% too many")
            : "";
        return $"{name} {count.Used} used of {count.Available} (over by {over}{percent})";
    }
}
