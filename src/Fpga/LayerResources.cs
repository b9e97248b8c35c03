using System.Globalization;
using System.Text;
using System.Text.Json;
using HwFlow.Compiler.Hardware;

namespace HwFlow.Fpga;

/// <summary>
/// One part of the design after synthesis: a layer's instance (its matrix-vector unit, post-ops
/// and output FIFO), the argmax, or what the top level keeps itself; yosys cell counts beside the
/// compiler's estimate for the same part.
/// </summary>
public sealed record LayerUse(string Part, string Instance, int Luts, int Ffs, int Carries, double BlockRams, long? EstimatedLuts, long? EstimatedFfs)
{
    /// <summary>7 series LUTs used as memory (SRL16E/SRLC32E one each, RAM32X1D/RAM64X1D two, RAM32M/RAM64M/RAM128X1D four), not in <see cref="Luts"/>.</summary>
    public int LutMemory { get; init; }
}

/// <summary>
/// Where the LUTs go: the flattened netlist's cells attributed to the top level's instances. yosys
/// names a flattened cell after the net it drives, and that name starts with the instance path
/// ("layer_l4.acc_SB_LUT4_O"), so one synthesis serves the totals and the split. Cells named after
/// a top-level net (a port, a wire between stages) or left anonymous count as "top level".
/// </summary>
public static class LayerResources
{
    public const string TopLevel = "top level";

    private static readonly string[] Luts = ["SB_LUT4", "LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"];
    private static readonly string[] FlipFlops = ["SB_DFF", "FDRE", "FDSE", "FDCE", "FDPE"];
    private static readonly string[] Carries = ["SB_CARRY", "CARRY4"];

    private static readonly Dictionary<string, int> LutMemoryLuts = new(StringComparer.Ordinal)
    {
        ["SRL16E"] = 1, ["SRLC32E"] = 1, ["RAM32X1S"] = 1, ["RAM64X1S"] = 1, ["RAM32X1D"] = 2, ["RAM64X1D"] = 2, ["RAM128X1S"] = 2,
        ["RAM128X1D"] = 4, ["RAM256X1S"] = 4, ["RAM32M"] = 4, ["RAM64M"] = 4,
    };

    /// <summary>The split of <paramref name="netlist"/>, with the estimates of the build's report.json beside each layer (when it has one).</summary>
    public static IReadOnlyList<LayerUse> Of(YosysNetlist netlist, string buildFolder)
    {
        var estimates = Estimates(Path.Combine(buildFolder, "report.json"));
        var parts = new SortedDictionary<string, List<NetlistCell>>(StringComparer.Ordinal);
        foreach (var cell in netlist.Cells)
        {
            var dot = cell.Name.IndexOf('.');
            var instance = cell.Name.StartsWith('$') || cell.Name.StartsWith('\\') || dot <= 0 ? TopLevel : cell.Name[..dot];
            if (!parts.TryGetValue(instance, out var list)) parts[instance] = list = [];
            list.Add(cell);
        }
        var uses = new List<LayerUse>();
        // layers in pipeline order (their estimates are listed in that order), then the rest by name, the top level last
        var order = estimates.Keys.Select(Instance).Where(parts.ContainsKey)
            .Concat(parts.Keys.Where(k => k != TopLevel && !estimates.Keys.Select(Instance).Contains(k)))
            .Append(TopLevel).Where(parts.ContainsKey).Distinct().ToList();
        foreach (var instance in order)
        {
            var cells = parts[instance];
            var estimate = estimates.FirstOrDefault(e => Instance(e.Key) == instance);
            string part = estimate.Key ?? instance;
            uses.Add(new LayerUse(part, instance, Count(cells, Luts), Count(cells, FlipFlops), Count(cells, Carries),
                cells.Count(c => c.Type is "SB_RAM40_4K" or "RAMB36E1") + (0.5 * cells.Count(c => c.Type == "RAMB18E1")),
                estimate.Key is null ? null : estimate.Value.Luts, estimate.Key is null ? null : estimate.Value.Ffs)
            {
                LutMemory = cells.Sum(c => LutMemoryLuts.GetValueOrDefault(c.Type)),
            });
        }
        return uses;
    }

    /// <summary>The Markdown table of synth.md.</summary>
    public static string Markdown(IReadOnlyList<LayerUse> layers, bool ice40)
    {
        var md = new StringBuilder();
        md.AppendLine($"| part | instance | {(ice40 ? "SB_LUT4" : "LUT1..6")} | estimated LUT | LUT / estimate | FF | estimated FF | carry | block RAM |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var l in layers)
        {
            string ratio = l.EstimatedLuts is > 0 ? (l.Luts / (double)l.EstimatedLuts.Value).ToString("0.00", CultureInfo.InvariantCulture) : "-";
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {l.Part} | `{l.Instance}` | {l.Luts} | {(l.EstimatedLuts?.ToString(CultureInfo.InvariantCulture) ?? "-")} | {ratio} | {l.Ffs} | {(l.EstimatedFfs?.ToString(CultureInfo.InvariantCulture) ?? "-")} | {l.Carries} | {l.BlockRams:0.#} |"));
        }
        return md.ToString();
    }

    /// <summary>The instance the generator gives a layer (layer_ + its name, dots as underscores); the argmax is "argmax".</summary>
    private static string Instance(string part) => part == "argmax" ? "argmax" : HardwareGenerator.LayerModule(part);

    private static int Count(List<NetlistCell> cells, string[] kinds) => cells.Count(c => kinds.Any(k => c.Type.StartsWith(k, StringComparison.Ordinal)));

    /// <summary>Per layer (and the argmax), the estimate report.json holds, in pipeline order; none when the build has no report.</summary>
    private static Dictionary<string, (long Luts, long Ffs)> Estimates(string reportPath)
    {
        var estimates = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        if (!File.Exists(reportPath)) return estimates;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(reportPath));
            var folding = document.RootElement.GetProperty("folding");
            foreach (var list in new[] { "layers", "otherStages" })
                foreach (var layer in folding.GetProperty(list).EnumerateArray())
                {
                    var name = layer.GetProperty("name").GetString()!;
                    if (list == "otherStages" && name != "argmax") continue; // the input stage is inside the first layer's instance
                    estimates[name] = (layer.GetProperty("luts").GetInt64(), layer.GetProperty("ffs").GetInt64());
                }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            estimates.Clear(); // a report from another HwFlow version: the split stands without estimates
        }
        return estimates;
    }
}
