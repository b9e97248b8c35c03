#:project ../src/Compiler/HwFlow.Compiler.csproj
#:property PublishAot=false
// Cuts a cone out of a build's RTL to synthesize and count alone (BENCHMARKS, "Session 17: xc7 gate checks ... small
// adder trees"): the fan-in of the registers of MODULE whose names match SEED, walking through the registers matching
// THROUGH; every other register, memory read and port it reaches becomes an input. Writes OUTDIR/design.rtl (for
// `bench/rtl-resource-fit.cs --count OUTDIR cone`) and OUTDIR/cone.v (for yosys).
// Usage (repository root): dotnet run -c Release bench/rtl-cone.cs DESIGN.rtl MODULE SEED_REGEX THROUGH_REGEX OUTDIR
using System.Text.RegularExpressions;
using HwFlow.Compiler.Rtl;
var design = RtlParser.ReadFile(args[0]);
var m = design.Module(args[1]);
var seed = new Regex(args[2]); var through = new Regex(args[3]);
var driver = m.Cells.ToDictionary(c => c.Output.Name);
var regs = m.Registers.ToDictionary(r => r.Q.Name);
var keepCells = new HashSet<string>(); var keepRegs = new HashSet<string>(); var inputs = new Dictionary<string, int>();
var stack = new Stack<RtlSignal>();
foreach (var r in m.Registers.Where(r => seed.IsMatch(r.Q.Name))) { keepRegs.Add(r.Q.Name); Push(r); }
void Push(RtlRegister r) { stack.Push(r.D); if (r.Enable != null) stack.Push(r.Enable); if (r.Reset != null) stack.Push(r.Reset); }
var seen = new HashSet<string>();
while (stack.Count > 0)
{
    var s = stack.Pop();
    if (!seen.Add(s.Name)) continue;
    if (driver.TryGetValue(s.Name, out var c)) { keepCells.Add(s.Name); foreach (var i in c.Inputs) stack.Push(i); }
    else if (regs.TryGetValue(s.Name, out var r) && through.IsMatch(s.Name)) { keepRegs.Add(s.Name); Push(r); }
    else if (s.Name != "clk") inputs[s.Name] = s.Width;
}
var ports = new List<RtlSignal> { new("clk", 1, SignalKind.Input) };
ports.AddRange(inputs.Where(kv => kv.Key != "clk").Select(kv => new RtlSignal(kv.Key, kv.Value, SignalKind.Input)));
var outs = m.Registers.Where(r => seed.IsMatch(r.Q.Name)).Select(r => new RtlSignal("o_" + r.Q.Name, r.Q.Width, SignalKind.Output)).ToList();
ports.AddRange(outs);
var cells = m.Cells.Where(c => keepCells.Contains(c.Output.Name)).ToList();
cells.AddRange(m.Registers.Where(r => seed.IsMatch(r.Q.Name)).Select(r => new RtlCell(RtlOp.Buffer, outs.First(o => o.Name == "o_" + r.Q.Name), [r.Q])));
var wires = m.Wires.Where(w => keepCells.Contains(w.Name) || keepRegs.Contains(w.Name)).ToList();
var mod = new RtlModule("cone", ports, wires, cells, m.Registers.Where(r => keepRegs.Contains(r.Q.Name)).ToList(), [], []);
var text = RtlPrinter.Print(new RtlDesign([mod], "cone"));
Directory.CreateDirectory(args[4]);
File.WriteAllText(Path.Combine(args[4], "design.rtl"), text);
var back = RtlParser.Parse(text, "cone");
VerilogEmitter.Write(back, args[4]);
Console.WriteLine($"{cells.Count} cells, {keepRegs.Count} registers, {inputs.Count} inputs");
