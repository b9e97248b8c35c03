#:project ../src/Compiler/HwFlow.Compiler.csproj
#:project ../src/Sim/HwFlow.Sim.csproj
// Where the constants of ResourceCosts come from: synthesizes small hand-written primitives of the
// kinds the folded layers are built from (carry adders, comparators, multi-operand sums, popcounts,
// shift-add products, multiplexers) with yosys synth_ice40, and prints each one's LUT4 count, the
// structure the resource model counts for it, the cost per unit that implies, and the constant the
// model uses. Rerun it after a yosys upgrade, or adapt it to another target, to recalibrate.
// Run from the repository root:  dotnet run -c Release bench/resource-calibration.cs
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Sim.Tools;

Toolchain.Yosys.EnsureUsable();
var costs = ResourceCosts.Default;
var folder = Directory.CreateTempSubdirectory("hwflow-calibration-").FullName;
var rows = new List<string>();

int Luts(string name, string verilog)
{
    var file = Path.Combine(folder, name + ".v");
    File.WriteAllText(file, verilog);
    var run = Toolchain.Yosys.Run(["-p", $"read_verilog {name}.v; synth_ice40 -top {name}; stat"], folder);
    if (!run.Succeeded) throw new InvalidOperationException($"yosys failed on {name}: {run.FirstError}");
    var stats = run.Stdout[run.Stdout.LastIndexOf("Printing statistics", StringComparison.Ordinal)..];
    var match = Regex.Match(stats, @"SB_LUT4\s+(\d+)");
    return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
}

void Row(string primitive, string structure, double units, int luts, double modelConstant, double apart = 0) =>
    rows.Add(string.Create(CultureInfo.InvariantCulture,
        $"| {primitive} | {structure} | {units:0.#} | {luts} | {(luts - apart) / units:0.00} | {modelConstant:0.00} |"));

string Module(string name, string ports, string body) => $"module {name}(input clk, {ports});\n{body}\nendmodule\n";

// Two-operand adders and accumulators: carry chain.
Row("a + b, 32 bits", "carry adder bits", 32, Luts("add32", Module("add32", "input [31:0] a, b, output reg [32:0] s", "always @(posedge clk) s <= a + b;")), costs.LutsPerCarryAdderBit);
Row("s <= s + a, 48 bits", "carry adder bits", 48, Luts("acc48", Module("acc48", "input [47:0] a, output reg [47:0] s", "always @(posedge clk) s <= s + a;")), costs.LutsPerCarryAdderBit);
Row("signed a >= b, 32 bits", "comparator bits", 32, Luts("cmp32", Module("cmp32", "input [31:0] a, b, output reg q", "always @(posedge clk) q <= $signed(a) >= $signed(b);")), costs.LutsPerComparatorBit);

// Sums of n signed w-bit operands: (n - 2) full-adder rows of the result width, plus one carry adder.
foreach (var (n, w) in new[] { (4, 24), (8, 12), (16, 18) })
{
    int r = w + ResourceModel.CeilLog2(n);
    var terms = string.Join(" + ", Enumerable.Range(0, n).Select(i => $"{{{{{r - w}{{a[{i * w + w - 1}]}}}}, a[{i * w + w - 1}:{i * w}]}}"));
    int luts = Luts($"sum{n}x{w}", Module($"sum{n}x{w}", $"input [{n * w - 1}:0] a, output reg [{r - 1}:0] s", $"always @(posedge clk) s <= {terms};"));
    Row($"sum of {n} x {w}-bit", "full-adder bits", (n - 2) * r, luts, costs.LutsPerFullAdderBit, r * costs.LutsPerCarryAdderBit);
}

// Popcounts written as the RTL emitter writes them (a flat sum of zero-extended bits), plain and behind XNOR gates.
foreach (int n in new[] { 16, 64, 256 })
{
    int r = ResourceModel.BitsFor(n);
    string Pop(string name, string source) => Module(name, $"input [{n - 1}:0] a, input [{n - 1}:0] wt, output reg [{r - 1}:0] s",
        $"wire [{n - 1}:0] x = {source};\nalways @(posedge clk) s <= " + string.Join(" + ", Enumerable.Range(0, n).Select(i => $"{{{r - 1}'d0, x[{i}]}}")) + ";");
    int plain = Luts($"pop{n}", Pop($"pop{n}", "a"));
    int gated = Luts($"popx{n}", Pop($"popx{n}", "a ~^ wt"));
    Row($"popcount of {n}", "popcount inputs", n, plain, costs.LutsPerPopcountInput);
    Row($"popcount of {n} XNOR weights", "weight gates", n, gated, costs.LutsPerWeightGate, plain);
}

// Shift-add products of an n-bit runtime multiplier by an m-bit signed multiplicand: n x m partial-product bits, then a carry adder.
string Product(int n, int m, int r, int x0, int w0, string x, string w) =>
    string.Join(" + ", Enumerable.Range(0, n).Select(k => $"({x}[{x0 + k}] ? ($signed({{{{{r - m}{{{w}[{w0 + m - 1}]}}}}, {w}[{w0 + m - 1}:{w0}]}}) <<< {k}) : {r}'sd0)"));
foreach (var (n, m) in new[] { (8, 10), (6, 31), (12, 37) })
{
    int r = n + m;
    int luts = Luts($"product{n}x{m}", Module($"product{n}x{m}", $"input [{n - 1}:0] x, input signed [{m - 1}:0] w, output reg signed [{r - 1}:0] p",
        $"always @(posedge clk) p <= {Product(n, m, r, 0, 0, "x", "w")};"));
    Row($"{n}-bit x {m}-bit shift-add", "partial-product bits", n * m, luts, costs.LutsPerPartialProductBit, r * costs.LutsPerCarryAdderBit);
}

// 16 dense lanes (8-bit inputs) summed: runtime 10-bit weights, +-1 weights, and wired random 10-bit constants.
const int Lanes = 16;
int laneWidth = 8 + 10 + ResourceModel.CeilLog2(Lanes);
double laneSum = (Lanes - 2) * laneWidth * costs.LutsPerFullAdderBit + laneWidth * costs.LutsPerCarryAdderBit;
int runtime = Luts("lanes_runtime", Module("lanes_runtime", $"input [{Lanes * 8 - 1}:0] x, input [{Lanes * 10 - 1}:0] w, output reg signed [{laneWidth - 1}:0] q",
    "always @(posedge clk) q <= " + string.Join(" + ", Enumerable.Range(0, Lanes).Select(i => Product(8, 10, laneWidth, i * 8, i * 10, "x", "w"))) + ";"));
Row("16 lanes 8-bit x 10-bit, summed", "partial-product bits", Lanes * 80, runtime, costs.LutsPerPartialProductBit, laneSum);

var rng = new Random(1); // fixed: the same constants every run
var constantTerms = new StringBuilder();
for (int i = 0; i < Lanes; i++)
{
    int c = rng.Next(-511, 512);
    for (int k = 0; k < 10; k++)
        if (((Math.Abs(c) >> k) & 1) == 1)
            constantTerms.Append($" {(c < 0 ? '-' : '+')} ($signed({{{laneWidth - 8}'d0, x[{i * 8 + 7}:{i * 8}]}}) <<< {k})");
}
int wired = Luts("lanes_wired", Module("lanes_wired", $"input [{Lanes * 8 - 1}:0] x, output reg signed [{laneWidth - 1}:0] q",
    $"always @(posedge clk) q <= 0{constantTerms};"));
rows.Add(string.Create(CultureInfo.InvariantCulture,
    $"| 16 lanes 8-bit x constant 10-bit, summed | wired fraction of the runtime lanes | 1 | {wired} | {(wired - laneSum) / (runtime - laneSum):0.00} | {costs.WiredProductFraction:0.00} |"));

int signWidth = 8 + 1 + ResourceModel.CeilLog2(Lanes);
double signSum = (Lanes - 2) * signWidth * costs.LutsPerFullAdderBit + signWidth * costs.LutsPerCarryAdderBit;
int negate = Luts("lanes_pm", Module("lanes_pm", $"input [{Lanes * 8 - 1}:0] x, input [{Lanes - 1}:0] s, output reg signed [{signWidth - 1}:0] q",
    "always @(posedge clk) q <= " + string.Join(" + ", Enumerable.Range(0, Lanes).Select(i =>
        $"(s[{i}] ? -$signed({{{signWidth - 8}'d0, x[{i * 8 + 7}:{i * 8}]}}) : $signed({{{signWidth - 8}'d0, x[{i * 8 + 7}:{i * 8}]}}))")) + ";"));
Row("16 lanes 8-bit x +-1, summed", "negate bits", Lanes * 8, negate, costs.LutsPerNegateBit, signSum);

// Multiplexers (N:1 of w bits counts (N - 1) x w 2:1 bits) and a barrel shifter (stages x width).
foreach (var (n, w) in new[] { (2, 64), (16, 32), (64, 1), (512, 1) })
{
    int sel = ResourceModel.CeilLog2(n);
    int luts = Luts($"mux{n}x{w}", Module($"mux{n}x{w}", $"input [{n * w - 1}:0] d, input [{sel - 1}:0] s, output reg [{w - 1}:0] q", $"always @(posedge clk) q <= d[s*{w} +: {w}];"));
    Row($"{n}:1 multiplexer x {w} bits", "2:1 mux bits", (n - 1) * w, luts, costs.LutsPerMux2Bit);
}
Row("48-bit shift by 5-bit amount", "2:1 mux bits", 5 * 48, Luts("shift48", Module("shift48", "input [47:0] a, input [4:0] k, output reg [47:0] q", "always @(posedge clk) q <= a << k;")), costs.LutsPerMux2Bit);

Console.WriteLine($"yosys {Toolchain.Yosys.Version}, synth_ice40; LUT4 per unit = (LUT4 - the part the model counts apart) / units");
Console.WriteLine();
Console.WriteLine("| primitive | structure | units | LUT4 | LUT4 per unit | model constant |");
Console.WriteLine("|---|---|---:|---:|---:|---:|");
foreach (var row in rows) Console.WriteLine(row);
Directory.Delete(folder, recursive: true);
