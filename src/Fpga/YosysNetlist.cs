using System.Text.Json;

namespace HwFlow.Fpga;

/// <summary>A cell of a synthesized netlist: its (flattened, hierarchical) name, type and source location.</summary>
public sealed record NetlistCell(string Name, string Type, string? Source);

/// <summary>
/// What the flow reads from yosys's JSON netlist (write_json / synth_* -json) of the top module:
/// every cell with its type and source, and where each named net was declared.
/// </summary>
public sealed class YosysNetlist
{
    private readonly Dictionary<string, string> _netSources;

    private YosysNetlist(IReadOnlyList<NetlistCell> cells, Dictionary<string, string> netSources, IReadOnlyList<string> parityCopies)
    {
        Cells = cells;
        Sdp72ParityCopies = parityCopies;
        _netSources = netSources;
        CellCounts = cells.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    public IReadOnlyList<NetlistCell> Cells { get; }

    /// <summary>Number of cells of each type.</summary>
    public IReadOnlyDictionary<string, int> CellCounts { get; }

    public int Count(string type) => CellCounts.GetValueOrDefault(type);

    /// <summary>
    /// RAMB36E1 cells written 72 bits at a time in simple dual port mode whose upper parity pins
    /// (DIPBDIP) carry the same nets as the lower ones (DIPADIP). yosys 0.23's brams_xc6v_map.v tests
    /// PORT_W_WIDTH == 71 where it means 72 (fixed upstream by yosys pull request 5833), so such a
    /// block stores 4 bits of every written 72-bit word as copies of 4 others and the gates compute
    /// differently from the RTL (Vivado maps the RTL correctly).
    /// </summary>
    public IReadOnlyList<string> Sdp72ParityCopies { get; }

    /// <summary>Cells whose type starts with any of <paramref name="prefixes"/> (e.g. all SB_DFF* flip-flops).</summary>
    public int CountWithPrefix(params string[] prefixes) =>
        CellCounts.Where(kv => prefixes.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal))).Sum(kv => kv.Value);

    /// <summary>
    /// Where in the design's Verilog a net such as "acc[3]" was declared (file:line), or null. A
    /// net yosys made while mapping ("sum_SB_LUT4_O_I3") is traced to the net it was named after ("sum").
    /// </summary>
    public string? SourceOfNet(string net)
    {
        var bracket = net.LastIndexOf('[');
        var name = bracket > 0 && net.EndsWith(']') ? net[..bracket] : net;
        if ((_netSources.GetValueOrDefault(name) ?? _netSources.GetValueOrDefault(net)) is { } source) return source;
        var derived = name.IndexOf("_SB_", StringComparison.Ordinal);
        return derived > 0 ? _netSources.GetValueOrDefault(name[..derived]) : null;
    }

    public static YosysNetlist Load(string jsonPath, string top)
    {
        using var stream = File.OpenRead(jsonPath);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        if (!document.RootElement.TryGetProperty("modules", out var modules) || !modules.TryGetProperty(top, out var module))
            throw new InvalidDataException($"{jsonPath}: the yosys netlist has no module {top}");
        var cells = new List<NetlistCell>();
        var parityCopies = new List<string>();
        if (module.TryGetProperty("cells", out var cellsElement))
        {
            foreach (var cell in cellsElement.EnumerateObject())
            {
                cells.Add(new NetlistCell(cell.Name, cell.Value.GetProperty("type").GetString()!, SourceAttribute(cell.Value)));
                if (CopiesSdp72Parity(cell.Value)) parityCopies.Add(cell.Name);
            }
        }
        var netSources = new Dictionary<string, string>(StringComparer.Ordinal);
        if (module.TryGetProperty("netnames", out var nets))
        {
            foreach (var net in nets.EnumerateObject())
            {
                if (SourceAttribute(net.Value) is { } source) netSources[net.Name] = source;
            }
        }
        return new YosysNetlist(cells, netSources, parityCopies);
    }

    private static bool CopiesSdp72Parity(JsonElement cell)
    {
        if (cell.GetProperty("type").GetString() != "RAMB36E1"
            || !cell.TryGetProperty("parameters", out var parameters) || !cell.TryGetProperty("connections", out var pins)
            || !parameters.TryGetProperty("RAM_MODE", out var mode) || mode.GetString()?.Trim() != "SDP"
            || !parameters.TryGetProperty("WRITE_WIDTH_B", out var width) || IntegerParameter(width) != 72
            || !pins.TryGetProperty("DIPADIP", out var low) || !pins.TryGetProperty("DIPBDIP", out var high))
            return false;
        var lowBits = low.EnumerateArray().Select(b => b.ToString()).ToList();
        var highBits = high.EnumerateArray().Select(b => b.ToString()).ToList();
        // a net is a number; "0", "1", "x" are constants, which a copy does not corrupt
        return lowBits.SequenceEqual(highBits) && low.EnumerateArray().Any(b => b.ValueKind == JsonValueKind.Number);
    }

    /// <summary>A yosys JSON integer parameter: a number, or a string of binary digits.</summary>
    private static long? IntegerParameter(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number) return value.GetInt64();
        var text = value.GetString();
        return text is { Length: > 0 and <= 62 } && text.All(c => c is '0' or '1') ? Convert.ToInt64(text, 2) : null;
    }

    /// <summary>The design's own file:line from a yosys "src" attribute (which may list several, '|'-separated, the design's first).</summary>
    private static string? SourceAttribute(JsonElement item)
    {
        if (!item.TryGetProperty("attributes", out var attributes) || !attributes.TryGetProperty("src", out var src)
            || src.ValueKind != JsonValueKind.String || src.GetString() is not { Length: > 0 } text)
            return null;
        // Locations inside yosys's own techmap files (absolute paths) say nothing about the design.
        var first = text.Split('|').FirstOrDefault(s => !Path.IsPathRooted(s));
        if (first is null) return null;
        // "rtl/x.v:22.22-22.38" -> "rtl/x.v:22"
        var colon = first.LastIndexOf(':');
        if (colon < 0) return first;
        var line = first[(colon + 1)..].Split('.', '-')[0];
        return first[..colon] + ":" + line;
    }
}
