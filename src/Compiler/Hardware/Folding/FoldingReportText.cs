using System.Globalization;
using System.Text;

namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>Renders a <see cref="FoldingReport"/> as Markdown (report.md) or as a plain fixed-width table for logs.</summary>
public static class FoldingReportText
{
    private static readonly string[] Header = ["layer", "kind", "inputs", "outputs", "chunk", "PE", "SIMD", "cycles/frame", "LUTs", "FFs", "BRAM bits"];

    /// <summary>The header of a report counted from the RTL: the resources are labelled as counted, and block RAMs are added.</summary>
    private static string[] Columns(FoldingReport r) => r.Counted is { } cell
        ? [.. Header[..8], $"{cell} (counted)", "FFs (counted)", "BRAM bits (counted)", "block RAMs"]
        : Header;

    public static string Markdown(FoldingReport r)
    {
        var md = new StringBuilder();
        var header = Columns(r);
        md.Append("| ").AppendJoin(" | ", header).Append(" |\n");
        md.Append("|---|---|").Append(string.Concat(Enumerable.Repeat("---:|", header.Length - 2))).Append('\n');
        foreach (var row in Rows(r)) md.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        md.Append('\n');
        md.Append($"Initiation interval: **{N(r.InitiationInterval)} cycles per frame**, set by {Limit(r)}: "
            + $"**{Fps(r)} frames/s** at {FoldingOptimizer.Number(r.ClockMhz)} MHz.\n\n");
        md.Append($"Latency: about {N(r.LatencyCycles)} cycles ({r.LatencyMicroseconds.ToString("0.###", CultureInfo.InvariantCulture)} us); {r.LatencyNote}.\n\n");
        md.Append(r.Counted is { } cell
            ? $"Resources: {N(r.Luts)} {cell}, {N(r.Ffs)} flip-flops, {N(r.BramBits)} block-RAM bits in {N(r.BlockRams ?? 0)} block RAMs; {r.ResourceNote}.\n\n"
            : $"Resources: {N(r.Luts)} LUTs, {N(r.Ffs)} flip-flops, {N(r.BramBits)} block-RAM bits; {r.ResourceNote}.\n\n");
        md.Append("### Cycles per frame: formula and derivation\n\n");
        md.Append($"`{r.CycleFormula}`\n\n");
        foreach (var line in r.Derivation) md.Append("- ").Append(line).Append('\n');
        return md.ToString();
    }

    /// <summary>A fixed-width table with a summary line, plain ASCII, for logs and terminals without markup.</summary>
    public static string PlainTable(FoldingReport r)
    {
        var header = Columns(r);
        var rows = Rows(r).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        for (int i = 0; i < rows.Count; i++)
        {
            // Names and kinds left-aligned, numbers right-aligned.
            var cells = rows[i].Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            text.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
            if (i == 0) text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        }
        text.Append($"II {N(r.InitiationInterval)} cycles/frame (set by {Limit(r)}), {Fps(r)} frames/s at {FoldingOptimizer.Number(r.ClockMhz)} MHz, "
            + $"latency ~{N(r.LatencyCycles)} cycles (placeholder); "
            + (r.Counted is { } cell ? $"counted {N(r.Luts)} {cell}, {N(r.Ffs)} FFs, {N(r.BlockRams ?? 0)} block RAMs\n" : $"estimate {N(r.Luts)} LUTs, {N(r.Ffs)} FFs, {N(r.BramBits)} BRAM bits\n"));
        return text.ToString();
    }

    private static IEnumerable<string[]> Rows(FoldingReport r)
    {
        bool counted = r.Counted is not null;
        string[] Blocks(int? blocks) => counted ? [N(blocks ?? 0)] : [];
        foreach (var l in r.Layers)
            yield return [l.Name, l.Kind.ToString().ToLowerInvariant(), N(l.Inputs), N(l.Outputs), l.Chunk is { } c ? N(c) : "-",
                N(l.Pe), N(l.Simd), N(l.Cycles), N(l.Luts), N(l.Ffs), N(l.BramBits), .. Blocks(l.BlockRams)];
        foreach (var s in r.OtherStages)
            yield return s.InAnotherRow
                ? [s.Name, "", "", "", "", "", "", N(s.Cycles), $"in {r.Layers[0].Name}", "", "", .. (counted ? (string[])[""] : [])]
                : [s.Name, "", "", "", "", "", "", s.Cycles > 0 ? N(s.Cycles) : "", N(s.Luts), N(s.Ffs), N(s.BramBits), .. Blocks(s.BlockRams)];
        yield return ["total", "", "", "", "", "", "", $"II {N(r.InitiationInterval)}", N(r.Luts), N(r.Ffs), N(r.BramBits), .. Blocks(r.BlockRams)];
    }

    private static string Limit(FoldingReport r) => r.LimitedBy == "input stream" ? "the input stream" : $"layer {r.LimitedBy}";

    private static string Fps(FoldingReport r) => FoldingOptimizer.Number(FoldingOptimizer.ReachableFps(r.ClockMhz, r.InitiationInterval));

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
