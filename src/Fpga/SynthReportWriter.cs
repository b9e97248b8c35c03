using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HwFlow.Fpga;

/// <summary>Writes a <see cref="SynthReport"/> as synth.json (for programs) and synth.md (for people).</summary>
public static class SynthReportWriter
{
    public const string JsonFile = "synth.json";
    public const string MarkdownFile = "synth.md";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Json(SynthReport report) => JsonSerializer.Serialize(report, JsonOptions) + "\n";

    public static SynthReport ReadJson(string path) =>
        JsonSerializer.Deserialize<SynthReport>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"{path}: empty synth report");

    public static string Markdown(SynthReport report)
    {
        var md = new StringBuilder();
        md.AppendLine($"# hwflow synth: {report.Model} on {report.Target}");
        md.AppendLine();
        md.AppendLine($"Device {report.Device}, top module `{report.Top}`{(report.Shell is null ? "" : $", board shell `{report.Shell}`")}; " +
                      (report.PlacedAndRouted ? "placed and routed." : "**estimate from synthesis only, no place and route**."));
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(Row("clock target", $"{N(report.ClockMhz, "0.###")} MHz"));
        if (report.FmaxMhz is { } fmax)
            md.AppendLine(Row("Fmax", $"{N(fmax, "0.00")} MHz ({(report.TimingMet == true ? "met" : "missed")})"));
        md.AppendLine(Row("cycles per frame", report.CyclesPerFrame.ToString(CultureInfo.InvariantCulture)));
        if (report.FramesPerSecond is { } fps) md.AppendLine(Row("frames/s at Fmax", N(fps, "#,0.#")));
        md.AppendLine(Row($"frames/s at {N(report.ClockMhz, "0.###")} MHz", N(report.FramesPerSecondAtClock, "#,0.#")));
        if (report.LatencyMicroseconds is { } latency)
            md.AppendLine(Row("latency", $"{report.LatencyCycles} cycles, {N(latency, "0.###")} µs{(report.FmaxMhz is null ? "" : " at Fmax")}"));
        md.AppendLine(Row("multipliers", report.MultiplierCells.ToString(CultureInfo.InvariantCulture)));
        md.AppendLine();
        md.AppendLine("| resource | cell | used | available | use |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var r in report.Resources)
        {
            md.AppendLine($"| {r.Name} | {r.Cell} | {N(r.Used, "0.#")} | {(r.Available is { } a ? N(a, "0") : "-")} | " +
                          $"{(r.Fraction is { } f ? N(100 * f, "0.0") + "%" : "-")} |");
        }
        if (report.Layers is { Count: > 0 } layers)
        {
            bool ice40 = report.Resources.Any(r => r.Name == "LUT4");
            md.AppendLine();
            md.AppendLine("Per layer (yosys cells of the flattened netlist, each attributed to the instance its name starts with; "
                + (ice40 ? "SB_LUT4 counts LUTs before nextpnr packs them with flip-flops and carries into logic cells; " : "")
                + "the estimate is the compiler's, from report.json):");
            md.AppendLine();
            md.Append(LayerResources.Markdown(layers, ice40));
        }
        if (report.CriticalPath is { } path)
        {
            md.AppendLine();
            md.AppendLine($"Critical path ({N(path.DelayNs, "0.00")} ns): from `{path.From}` to `{path.To}`.");
        }
        md.AppendLine();
        foreach (var note in report.Notes) md.AppendLine($"- {note}");
        md.AppendLine();
        md.AppendLine("Commands (run in the build folder):");
        md.AppendLine();
        md.AppendLine("```");
        foreach (var command in report.Commands) md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("Tools: " + string.Join(", ", report.ToolVersions.Select(kv => $"{kv.Key} {kv.Value}")) + ".");
        return md.ToString();
    }

    private static string Row(string name, string value) => $"| {name} | {value} |";

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
