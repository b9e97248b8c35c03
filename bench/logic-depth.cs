#:property PublishAot=false
// Logic depth between registers of a yosys-mapped netlist: a clock-speed proxy where no open
// place and route exists (xc7). yosys' own `ltp -noff` does not stop at the mapped flip-flops
// (FDRE is not one of its internal FF types), so this walks the `write_json` netlist itself.
// Counts LUT levels and carry cells on the deepest register-to-register (or port) path; a carry
// cell is counted apart because a CARRY4 adds ~0.1 ns a stage where a LUT level with its routing
// costs ~0.5 ns on a -1 Artix-7 (BENCHMARKS.md, "Session 10: fully parallel layer depth").
// Usage: yosys -p "read_verilog ...; synth_xilinx -top M ...; write_json net.json"
//        dotnet run -c Release bench/logic-depth.cs net.json [MODULE]
using System.Text.Json;

var path = args.Length > 0 ? args[0] : throw new ArgumentException("usage: logic-depth.cs NETLIST.json [MODULE]");
using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
var modules = doc.RootElement.GetProperty("modules");
var module = args.Length > 1 ? modules.GetProperty(args[1]) : TopOf(modules);

// Nets are integers in yosys JSON; constants are strings ("0", "1", "x").
var driverOf = new Dictionary<int, string>();
var inputsOf = new Dictionary<string, List<int>>();
var typeOf = new Dictionary<string, string>();
foreach (var cell in module.GetProperty("cells").EnumerateObject())
{
    var type = cell.Value.GetProperty("type").GetString()!;
    typeOf[cell.Name] = type;
    var directions = cell.Value.GetProperty("port_directions");
    var inputs = new List<int>();
    foreach (var port in cell.Value.GetProperty("connections").EnumerateObject())
    {
        var isOutput = directions.GetProperty(port.Name).GetString() == "output";
        foreach (var bit in port.Value.EnumerateArray())
        {
            if (bit.ValueKind != JsonValueKind.Number) continue;
            if (isOutput) driverOf[bit.GetInt32()] = cell.Name;
            else inputs.Add(bit.GetInt32());
        }
    }
    inputsOf[cell.Name] = inputs;
}

// Depth of a cell's output: (LUT levels, carry cells) of the deepest combinational path into it.
var memo = new Dictionary<string, (int Luts, int Carries)>();
(int Luts, int Carries) DepthAt(int net)
{
    if (!driverOf.TryGetValue(net, out var cell) || IsSequential(typeOf[cell])) return (0, 0);
    if (memo.TryGetValue(cell, out var known)) return known;
    memo[cell] = (0, 0); // a combinational loop would recurse forever; mapped netlists have none
    var worst = (Luts: 0, Carries: 0);
    foreach (var input in inputsOf[cell])
    {
        var d = DepthAt(input);
        if (Cost(d) > Cost(worst)) worst = d;
    }
    var type = typeOf[cell];
    var here = type.StartsWith("LUT", StringComparison.Ordinal) || type == "SB_LUT4" || type.StartsWith("MUXF", StringComparison.Ordinal)
        ? (worst.Luts + (type.StartsWith("MUXF", StringComparison.Ordinal) ? 0 : 1), worst.Carries)
        : type is "CARRY4" or "SB_CARRY" ? (worst.Luts, worst.Carries + 1) : worst;
    memo[cell] = here;
    return here;
}

var deepest = (Luts: 0, Carries: 0);
var deepestAt = "";
var endpoints = 0;
foreach (var (cell, inputs) in inputsOf)
{
    if (!IsSequential(typeOf[cell])) continue;
    foreach (var net in inputs)
    {
        endpoints++;
        var d = DepthAt(net);
        if (Cost(d) > Cost(deepest)) (deepest, deepestAt) = (d, cell);
    }
}
foreach (var port in module.GetProperty("ports").EnumerateObject())
{
    if (port.Value.GetProperty("direction").GetString() != "output") continue;
    foreach (var bit in port.Value.GetProperty("bits").EnumerateArray())
    {
        if (bit.ValueKind != JsonValueKind.Number) continue;
        endpoints++;
        var d = DepthAt(bit.GetInt32());
        if (Cost(d) > Cost(deepest)) (deepest, deepestAt) = (d, "output " + port.Name);
    }
}
Console.WriteLine($"{path}: deepest register-to-register path {deepest.Luts} LUT levels + {deepest.Carries} carry cells, ending at {deepestAt} ({endpoints:N0} endpoints, {typeOf.Count:N0} cells)");

// Weights from the -1 Artix-7 figures quoted above: a LUT level with routing ~5x a carry stage.
static double Cost((int Luts, int Carries) d) => d.Luts * 5 + d.Carries;

static bool IsSequential(string type) =>
    type.StartsWith("FD", StringComparison.Ordinal) || type.StartsWith("SB_DFF", StringComparison.Ordinal)
    || type.StartsWith("RAMB", StringComparison.Ordinal) || type.StartsWith("SB_RAM", StringComparison.Ordinal)
    || type.StartsWith("SRL", StringComparison.Ordinal) || type.StartsWith("RAM32", StringComparison.Ordinal)
    || type.StartsWith("RAM64", StringComparison.Ordinal) || type.StartsWith("RAM128", StringComparison.Ordinal)
    || type.StartsWith("RAM256", StringComparison.Ordinal);

static JsonElement TopOf(JsonElement modules)
{
    foreach (var m in modules.EnumerateObject())
        if (m.Value.TryGetProperty("attributes", out var attributes) && attributes.TryGetProperty("top", out _)) return m.Value;
    throw new InvalidOperationException("no module marked top in the netlist; name one");
}
