#:project ../src/Compiler/HwFlow.Compiler.csproj
#:project ../src/Sim/HwFlow.Sim.csproj
#:property PublishAot=false
// Per-layer yosys counts of a compiled model at a chosen folding, on iCE40 (synth_ice40) and/or
// 7 series (synth_xilinx), synthesized hierarchically so that every layer module is counted on
// its own (a layer's output FIFO is inside it). Prints one row per layer: LUTs, flip-flops,
// carry cells, block RAMs, and binary operations per cycle per LUT for binary layers.
// Run from the repository root:
//   dotnet run -c Release bench/synth-layers.cs MODEL FOLDING [--fabric lut4|lut6] [--target ice40|xc7|both] [--keep DIR]
// FOLDING is "l0=PExSIMD,l3=PExSIMD,..." (every layer) or a folding.yaml.
using System.Globalization;
using System.Text.Json.Nodes;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Model;
using HwFlow.Sim.Tools;

if (args.Length < 2) { Console.Error.WriteLine("usage: synth-layers.cs MODEL FOLDING [--fabric lut4|lut6] [--target ice40|xc7|both] [--keep DIR]"); return 2; }
string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
var fabric = LogicFabrics.Parse(Option("--fabric", "lut4")) ?? throw new ArgumentException("--fabric lut4|lut6");
var targets = Option("--target", fabric == LogicFabric.Lut6 ? "xc7" : "ice40") switch { "both" => new[] { "ice40", "xc7" }, var t => [t] };

var spec = ModelLoader.Load(args[0]);
var graph = IntegerLowering.Lower(spec, new CompileOptions());
var plan = StagePlanner.Plan(graph);
var shapes = StagePlanner.Shapes(plan);
var folding = File.Exists(args[1])
    ? FoldingFile.Load(args[1], shapes)
    : new FoldingPlan([.. args[1].Split(',').Select(part =>
    {
        var (name, pe, simd) = (part.Split('=')[0], part.Split('=')[1].Split('x')[0], part.Split('=')[1].Split('x')[1]);
        return new LayerFolding(name, int.Parse(pe, CultureInfo.InvariantCulture), int.Parse(simd, CultureInfo.InvariantCulture));
    })]);
var design = HardwareGenerator.Generate(plan, folding, new HardwareOptions { Fabric = fabric });
var folder = Option("--keep", "") is { Length: > 0 } keep ? Path.GetFullPath(keep) : Directory.CreateTempSubdirectory("hwflow-synth-layers-").FullName;
Directory.CreateDirectory(folder);
var files = VerilogEmitter.Write(design.Rtl, Path.Combine(folder, "rtl"), "rtl/");
Console.WriteLine($"{spec.Name}: {design.CyclesPerFrame} cycles per frame, fabric {fabric.Name()}, build in {folder}");

foreach (var target in targets)
{
    var synth = target == "xc7" ? "synth_xilinx -top hwflow_top -family xc7 -noiopad -noclkbuf" : "synth_ice40 -top hwflow_top -noflatten";
    var watch = System.Diagnostics.Stopwatch.StartNew();
    var run = Toolchain.Yosys.Run(["-q", "-p", $"read_verilog {string.Join(' ', files.Where(f => f.EndsWith(".v", StringComparison.Ordinal)).Select(f => "rtl/" + Path.GetFileName(f)))}; {synth}; write_json {target}.json"], folder);
    if (!run.Succeeded) { Console.Error.WriteLine($"yosys failed: {run.FirstError}"); return 1; }
    var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, target + ".json")))!["modules"]!.AsObject();
    var own = new Dictionary<string, Dictionary<string, int>>();
    foreach (var (name, module) in modules)
    {
        // synth_xilinx's JSON also lists its cell library (LUT6, FDRE, ...) as blackbox modules; a
        // cell of such a type is a primitive to count, not a module to descend into (it printed zeros)
        if (module!["attributes"]?["blackbox"] is not null) continue;
        var counts = new Dictionary<string, int>();
        foreach (var (_, cell) in module!["cells"]!.AsObject()) { var type = cell!["type"]!.GetValue<string>(); counts[type] = counts.GetValueOrDefault(type) + 1; }
        own[name] = counts;
    }
    Dictionary<string, int> Total(string name)
    {
        var total = new Dictionary<string, int>();
        foreach (var (type, n) in own[name])
        {
            if (own.ContainsKey(type)) foreach (var (t, m) in Total(type)) total[t] = total.GetValueOrDefault(t) + (n * m);
            else total[type] = total.GetValueOrDefault(type) + n;
        }
        return total;
    }
    int Sum(Dictionary<string, int> c, Func<string, bool> kind) => c.Where(kv => kind(kv.Key)).Sum(kv => kv.Value);
    bool Lut(string t) => t is "SB_LUT4" or "LUT1" or "LUT2" or "LUT3" or "LUT4" or "LUT5" or "LUT6";
    bool Ff(string t) => t.StartsWith("SB_DFF", StringComparison.Ordinal) || t is "FDRE" or "FDSE" or "FDCE" or "FDPE";
    bool Carry(string t) => t is "SB_CARRY" or "CARRY4";
    double Bram(Dictionary<string, int> c) => c.GetValueOrDefault("SB_RAM40_4K") + c.GetValueOrDefault("RAMB36E1") + (0.5 * c.GetValueOrDefault("RAMB18E1"));
    int LutRam(Dictionary<string, int> c) => Sum(c, t => t.StartsWith("RAM32", StringComparison.Ordinal) || t.StartsWith("RAM64", StringComparison.Ordinal) || t.StartsWith("SRL", StringComparison.Ordinal));
    Console.WriteLine($"\n{target} ({watch.Elapsed.TotalSeconds:F0} s): | part | LUT | FF | carry | BRAM{(target == "xc7" ? "36" : "")} | LUTRAM | binary ops/cycle | ops/cycle/LUT |");
    long allLuts = 0;
    foreach (var (shape, i) in shapes.Select((s, i) => (s, i)))
    {
        var module = "layer_" + shape.Name.Replace('.', '_');
        var c = Total(module);
        int luts = Sum(c, Lut);
        allLuts += luts;
        var f = folding.For(shape.Name);
        long macs = (long)shape.Inputs * shape.Outputs;
        double opsPerCycle = 2.0 * macs / FoldingTiming.LayerCycles(shape, f);
        var rate = shape.Kind == LayerKind.Binary ? $"{opsPerCycle:0} | {opsPerCycle / luts:0.000}" : $"({opsPerCycle:0}) | -";
        Console.WriteLine($"| {shape.Name} (PE {f.Pe}, SIMD {f.Simd}) | {luts} | {Sum(c, Ff)} | {Sum(c, Carry)} | {Bram(c):0.#} | {LutRam(c)} | {rate} |");
    }
    var top = Total("hwflow_top");
    Console.WriteLine($"| whole design | {Sum(top, Lut)} | {Sum(top, Ff)} | {Sum(top, Carry)} | {Bram(top):0.#} | {LutRam(top)} | | |");
}
return 0;
