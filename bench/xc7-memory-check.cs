#:project ../src/Compiler/HwFlow.Compiler.csproj
#:property PublishAot=false
// Checks BlockRamUse.InBlockRam (LUT6) against synth_xilinx on the xc7 sample builds: for every unmarked
// memory of each WORKDIR/*/ with netlist-xc7.json, the count's block/logic choice beside yosys-xc7.log's
// "using FF mapping for memory" / "mapping memory ... via". Prints the disagreements and the large ROMs.
//   dotnet run -c Release bench/xc7-memory-check.cs WORKDIR
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Rtl;
int agree = 0, disagree = 0;
foreach (var folder in Directory.GetDirectories(args[0]).Order())
{
    var log = Path.Combine(folder, "yosys-xc7.log");
    if (!File.Exists(log) || !File.Exists(Path.Combine(folder, "netlist-xc7.json"))) continue;
    var lines = File.ReadLines(log).Where(l => l.StartsWith("using FF mapping for memory") || l.StartsWith("mapping memory")).ToList();
    var design = RtlParser.ReadFile(Path.Combine(folder, "design.rtl"));
    foreach (var module in design.Modules)
        foreach (var m in module.Memories.Where(m => m.Style == MemoryStyle.Auto))
        {
            string key = $".{module.Name}.{m.Name}";
            var hit = lines.FirstOrDefault(l => l.Contains(key + " ") || l.EndsWith(key));
            if (hit is null) continue;
            bool yosysBlock = hit.Contains("BLOCKRAM");
            bool yosysLogic = hit.StartsWith("using FF");
            bool countBlock = BlockRamUse.InBlockRam(m, LogicFabric.Lut6);
            bool ok = countBlock == yosysBlock;
            if (ok) agree++; else disagree++;
            if (!ok || m.WritePorts.Count == 0 && (long)m.Width * m.Depth > 4000)
                Console.WriteLine($"{(ok ? "ok " : "BAD")} {Path.GetFileName(folder)} {module.Name}.{m.Name} {m.Width}x{m.Depth} written={m.WritePorts.Count > 0} stored={BlockRamUse.StoredWidth(m)} count={(countBlock ? "block" : "logic")} yosys={hit.Split(' ').Last()}");
        }
}
Console.WriteLine($"agree {agree}, disagree {disagree}");
