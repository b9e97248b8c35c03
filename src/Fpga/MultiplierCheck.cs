using System.Text.RegularExpressions;
using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga;

/// <summary>A multiplier found in a design: its cell type, the module holding it and the cell (with its source when known).</summary>
public sealed record MultiplierCell(string Type, string Module, string Cell, string? Source);

/// <summary>
/// The multiply-free proof. Before technology mapping (after `proc` and `opt_expr`, which turns a
/// product with a power of two into a shift) the design, still hierarchical, must hold no `$mul`
/// or `$macc` and no instantiated DSP primitive; after mapping, the netlist must hold no DSP cell.
/// Either finding fails the flow, naming the cell type and the module.
/// </summary>
public static partial class MultiplierCheck
{
    /// <summary>Cell types that multiply: yosys's word-level cells and the vendor DSP/multiplier primitives.</summary>
    public static IReadOnlyList<string> CellTypes { get; } =
        ["$mul", "$macc", "SB_MAC16", "DSP48E1", "DSP48E2", "DSP48A1", "DSP48", "MULT18X18", "MULT18X18S", "MULT18X18SIO"];

    /// <summary>
    /// Yosys commands that list every multiplier into <paramref name="reportPath"/> (sections of
    /// "type T" followed by "module/cell" lines), then stop yosys if there was any.
    /// </summary>
    public static IEnumerable<string> YosysCommands(string reportPath)
    {
        yield return $"tee -q -o {reportPath} log multiply-free check";
        foreach (var type in CellTypes)
        {
            yield return $"tee -q -a {reportPath} log type {type}";
            yield return $"tee -q -a {reportPath} select -list t:{type}";
        }
        yield return "select -assert-none " + string.Join(' ', CellTypes.Select(t => "t:" + t));
        yield return "select -clear";
    }

    public static IReadOnlyList<MultiplierCell> ParseReport(string text)
    {
        var found = new List<MultiplierCell>();
        string? type = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line == "multiply-free check") continue;
            if (line.StartsWith("type ", StringComparison.Ordinal))
            {
                type = line["type ".Length..];
                continue;
            }
            if (type is null) continue;
            var slash = line.IndexOf('/');
            if (slash <= 0) continue;
            var module = line[..slash];
            var cell = line[(slash + 1)..];
            var source = YosysCellSource().Match(cell);
            found.Add(new MultiplierCell(type, module.TrimStart('\\'), cell.TrimStart('\\'), source.Success ? source.Groups["src"].Value : null));
        }
        return found;
    }

    /// <summary>DSP cells left in a mapped netlist (flattened: the module is the top, the cell name carries the hierarchy).</summary>
    public static IReadOnlyList<MultiplierCell> InNetlist(YosysNetlist netlist, string top) =>
        netlist.Cells
            .Where(c => CellTypes.Contains(c.Type))
            .Select(c => new MultiplierCell(c.Type, top, c.Name, c.Source))
            .ToList();

    /// <summary>Throws the one-line error for <paramref name="cells"/> when there is any.</summary>
    public static void Require(IReadOnlyList<MultiplierCell> cells, string targetName)
    {
        if (cells.Count == 0) return;
        const int shown = 3;
        var listed = string.Join("; ", cells.Take(shown).Select(Describe));
        var more = cells.Count > shown ? $"; and {cells.Count - shown} more" : "";
        throw new UserError($"{targetName}: the design is not multiply-free: {cells.Count} multiplier cell{(cells.Count == 1 ? "" : "s")}: {listed}{more} (HwFlow hardware must multiply by shifts and adds only)");
    }

    private static string Describe(MultiplierCell c) =>
        c.Source is { } source
            ? $"{c.Type} in module {c.Module} ({source})"
            : $"{c.Type} in module {c.Module} (cell {c.Cell})";

    // yosys names a word-level cell after its source: "$mul$rtl/layer0.v:12$34".
    [GeneratedRegex(@"^\$\w+\$(?<src>.+:\d+)\$\d+$")]
    private static partial Regex YosysCellSource();
}
