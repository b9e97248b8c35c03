#:project ../src/Compiler/HwFlow.Compiler.csproj
#:property PublishAot=false
// Block RAM count against yosys: for every build WORKDIR/*/ synthesized with synth_ice40 (its
// netlist.json), the SB_RAM40_4K cells yosys placed against BlockRamUse.Of(design.rtl).
// Run from the repository root: dotnet run -c Release bench/block-ram-check.cs WORKDIR
// or list one build's memories: dotnet run -c Release bench/block-ram-check.cs --memories BUILD
using System.Text.Json;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Rtl;

if (args.Length == 2 && args[0] == "--memories")
{
    // every memory of one build and where the count puts it
    var design = RtlParser.ReadFile(Path.Combine(args[1], "design.rtl"));
    foreach (var module in design.Modules)
        foreach (var m in module.Memories)
        {
            var map = BlockRam.Map(LogicFabric.Lut4, m.Width, m.Depth, m.WritePorts.Count > 0);
            Console.WriteLine($"{module.Name}.{m.Name}: {m.Width} x {m.Depth}, {(m.WritePorts.Count > 0 ? "written" : "ROM")}, {m.Style}: "
                + (BlockRamUse.InBlockRam(m, LogicFabric.Lut4) ? $"{map.Blocks} blocks of {map.Shape.Depth} x {map.Shape.Width}, {map.Deep} deep" : "logic"));
        }
    return;
}
var work = args.FirstOrDefault() ?? throw new ArgumentException("usage: block-ram-check.cs WORKDIR");
int equal = 0, all = 0;
Console.WriteLine("| build | yosys SB_RAM40_4K | counted | difference |\n|---|---:|---:|---:|");
foreach (var dir in Directory.GetDirectories(work).Order(StringComparer.Ordinal))
{
    var netlist = Path.Combine(dir, "netlist.json");
    var rtl = Path.Combine(dir, "design.rtl");
    if (!File.Exists(netlist) || !File.Exists(rtl)) continue;
    using var json = JsonDocument.Parse(File.ReadAllBytes(netlist));
    int placed = json.RootElement.GetProperty("modules").EnumerateObject()
        .Where(m => m.Value.TryGetProperty("attributes", out var a) && a.TryGetProperty("top", out _))
        .Sum(m => m.Value.GetProperty("cells").EnumerateObject().Count(c => c.Value.GetProperty("type").GetString() == "SB_RAM40_4K"));
    int counted = BlockRamUse.Of(RtlParser.ReadFile(rtl), LogicFabric.Lut4);
    all++;
    if (counted == placed) equal++;
    Console.WriteLine($"| {Path.GetFileName(dir)} | {placed} | {counted} | {counted - placed:+0;-0;0} |");
}
Console.WriteLine($"\n{equal} of {all} builds counted exactly.");
