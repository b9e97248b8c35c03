#:project ../src/Compiler/HwFlow.Compiler.csproj
#:project ../src/Sim/HwFlow.Sim.csproj
#:property PublishAot=false
// Which popcount form yosys maps best on each target (BENCHMARKS.md, "Compressor trees"). The
// same XNOR-popcount of n activation bits and n weight bits (runtime weights, as a folded layer
// reads them from block RAM, or constants, as a fully parallel layer has them wired in) is built
// three ways: the RTL IR popcount cell as the Verilog emitter writes it (one level of 3:2
// counters summed by '+', which yosys turns into its own carry-save tree), and the compressor
// trees of both fabrics. Each is checked in the C# simulator on random vectors, then synthesized
// with yosys synth_ice40 (LUT4) and synth_xilinx (LUT6), counting LUTs and carry cells.
// Run from the repository root:  dotnet run -c Release bench/compressor-forms.cs [n ...]
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;
using HwFlow.Sim;
using HwFlow.Sim.Tools;

Toolchain.Yosys.EnsureUsable();
var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [16, 64, 256];
var folder = Directory.CreateTempSubdirectory("hwflow-compressors-").FullName;

RtlDesign Design(int n, string form, bool[]? constants)
{
    var m = new ModuleBuilder("pop", withReset: false);
    var a = m.Input("a", n);
    var w = m.Input("w", n);
    int width = BitWidth.ToHold(n);
    RtlSignal count;
    if (form == "popcount-cell")
    {
        var weights = constants is null ? w : m.Const(Enumerable.Range(0, n).Aggregate(BigInteger.Zero, (acc, i) => constants[i] ? acc | (BigInteger.One << i) : acc), n);
        count = m.Popcount(m.Not(m.Xor(a, weights)));
    }
    else
    {
        var sum = new ColumnSum(width);
        for (int i = 0; i < n; i++)
        {
            if (constants is null) sum.AddPair(0, m.Bit(a, i), m.Bit(w, i), PairOp.Xnor);
            else sum.AddPair(0, m.Bit(a, i), constants[i], PairOp.Xnor);
        }
        count = CompressorTree.Build(m, sum, form == "lut6" ? LogicFabric.Lut6 : LogicFabric.Lut4, "pop").Sum;
    }
    m.Assign(m.Output("y", width), count);
    return new RtlDesign([m.Build()], "pop");
}

void Check(RtlDesign design, int n, bool[]? constants)
{
    var sim = Simulator.Create(design);
    var rng = new SplitMix64(7);
    for (int trial = 0; trial < 200; trial++)
    {
        BigInteger a = 0, w = 0;
        int expected = 0;
        for (int i = 0; i < n; i++)
        {
            int ai = rng.NextInt(2), wi = constants is null ? rng.NextInt(2) : (constants[i] ? 1 : 0);
            a |= (BigInteger)ai << i;
            w |= (BigInteger)wi << i;
            expected += ai == wi ? 1 : 0;
        }
        sim.Poke("a", a);
        sim.Poke("w", w);
        var got = sim.Peek("y");
        if (got != expected) throw new InvalidOperationException($"{design.Top} n={n}: count {got}, expected {expected}");
    }
}

(int Luts, int Carries) Synthesize(RtlDesign design, string name, bool xc7)
{
    var dir = Path.Combine(folder, name);
    VerilogEmitter.Write(design, dir);
    string synth = xc7 ? "synth_xilinx -top pop -family xc7 -flatten -noiopad -noclkbuf" : "synth_ice40 -top pop";
    var run = Toolchain.Yosys.Run(["-q", "-p", $"read_verilog pop.v; {synth}; tee -q -o stat.txt stat"], dir);
    if (!run.Succeeded) throw new InvalidOperationException($"yosys failed on {name}: {run.FirstError}");
    var stat = File.ReadAllText(Path.Combine(dir, "stat.txt"));
    int Count(string pattern) => Regex.Matches(stat, pattern + @"\s+(\d+)").Sum(mt => int.Parse(mt.Groups[1].Value, CultureInfo.InvariantCulture));
    return xc7 ? (Count(@"\bLUT[1-6]"), Count(@"\bCARRY4")) : (Count(@"\bSB_LUT4"), Count(@"\bSB_CARRY"));
}

Console.WriteLine("| n | weights | form | LUT4 (iCE40) | per MAC | SB_CARRY | LUT6 (xc7) | per MAC | CARRY4 |");
Console.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|---:|");
foreach (int n in sizes)
{
    var rng = new SplitMix64(5);
    var constants = Enumerable.Range(0, n).Select(_ => rng.NextInt(2) == 1).ToArray();
    foreach (var wired in new[] { false, true })
    {
        foreach (var form in new[] { "popcount-cell", "lut4", "lut6" })
        {
            var design = Design(n, form, wired ? constants : null);
            Check(design, n, wired ? constants : null);
            string name = $"{form}-{n}-{(wired ? "const" : "runtime")}";
            var ice40 = Synthesize(design, name + "-ice40", xc7: false);
            var xc7 = Synthesize(design, name + "-xc7", xc7: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {(wired ? "constant" : "runtime")} | {form} | {ice40.Luts} | {(double)ice40.Luts / n:0.00} | {ice40.Carries} | {xc7.Luts} | {(double)xc7.Luts / n:0.00} | {xc7.Carries} |"));
        }
    }
}
Directory.Delete(folder, recursive: true);
