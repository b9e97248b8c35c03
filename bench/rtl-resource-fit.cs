#:project ../src/Compiler/HwFlow.Compiler.csproj
#:project ../src/Fpga/HwFlow.Fpga.csproj
#:property PublishAot=false
// Fits the RTL resource count's per-class LUT coefficients (RtlResourceCoefficients) against yosys.
// Reads the builds bench/rtl-synth-samples.sh made and synthesized (each WORKDIR/*/ with a
// netlist.json from synth_ice40, or netlist-xc7.json from synth_xilinx), counts each build's
// design.rtl with RtlResourceCount, splits yosys's cells per top-level instance (as synth.md does),
// fits one LUT coefficient per LUT class (least squares on the per-layer relative error, each layer
// weighted by its size (--weight-power 1; 0 weighs every layer alike), pulled
// towards 1), and writes the residuals per layer and per design:
//   bench/results/rtl-resource-fit/<target>-residuals.md, <target>-samples.csv
// Run from the repository root:
//   dotnet run -c Release bench/rtl-resource-fit.cs WORKDIR [--target ice40|xc7] [--no-fit] [--per-design] [--ridge R] [--weight-power P] [--write] [--yosys-from SAMPLES.csv]
// (--write: also the fitted table src/Compiler/Hardware/Resources/RtlResourceCoefficients.<Target>.cs)
// or count one module of a build alone: dotnet run -c Release bench/rtl-resource-fit.cs --count BUILD MODULE
using System.Globalization;
using System.Text;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Rtl;
using HwFlow.Fpga;

if (args.Length >= 3 && args[0] == "--count")
{
    // one module of a build counted alone (beside bench/layer-synth.sh BUILD MODULE)
    var whole = RtlParser.ReadFile(Path.Combine(args[1], "design.rtl"));
    var alone = new RtlDesign(whole.Modules, args[2]);
    foreach (var f in new[] { LogicFabric.Lut4, LogicFabric.Lut6 })
        foreach (var p in RtlResourceCount.Of(alone, f))
            Console.WriteLine($"{f} {(p.Instance.Length == 0 ? args[2] : p.Instance)}: LUT {p.RawLuts} FF {p.Ffs} carry {p.Carries} bram bits {p.BlockRamBits} | "
                + string.Join(", ", p.Luts.Select(l => $"{LutClasses.Name(l.Key)} {l.Value}")));
    return;
}
var work = args.FirstOrDefault(a => !a.StartsWith("--")) ?? throw new ArgumentException("usage: rtl-resource-fit.cs WORKDIR [--target ice40|xc7] [--no-fit]");
string target = args.SkipWhile(a => a != "--target").Skip(1).FirstOrDefault() ?? "ice40";
bool fit = !args.Contains("--no-fit");
// --per-design: fit the relative error of each design's total (the goal: every design within 10 %) rather than each layer's
bool perDesign = args.Contains("--per-design");
double power = double.Parse(args.SkipWhile(a => a != "--weight-power").Skip(1).FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
double ridge = double.Parse(args.SkipWhile(a => a != "--ridge").Skip(1).FirstOrDefault() ?? "0.05", CultureInfo.InvariantCulture);
var fabric = target == "xc7" ? LogicFabric.Lut6 : LogicFabric.Lut4;
string netlistFile = target == "xc7" ? "netlist-xc7.json" : "netlist.json";
var inv = CultureInfo.InvariantCulture;
bool lut6 = fabric == LogicFabric.Lut6;

var samples = new List<Sample>();
// --yosys-from CSV: yosys's LUTs, FFs and LUT memory per part from an earlier run's samples CSV (the
// netlists gone), the builds in WORKDIR recompiled at the CSV's foldings and counted anew
string? yosysFrom = args.SkipWhile(a => a != "--yosys-from").Skip(1).FirstOrDefault();
if (yosysFrom != null)
{
    var rows = File.ReadAllLines(yosysFrom).Skip(1).Select(l => l.Split(';')).ToLookup(r => r[0]);
    foreach (var folder in Directory.GetDirectories(work).Order(StringComparer.Ordinal))
    {
        string name = Path.GetFileName(folder);
        if (!rows.Contains(name) || !File.Exists(Path.Combine(folder, "design.rtl"))) continue;
        var design = RtlParser.ReadFile(Path.Combine(folder, "design.rtl"));
        var byPart = rows[name].ToDictionary(r => r[2]);
        var counted = RtlResourceCount.Of(design, fabric);
        int lost = 0;
        foreach (var part in counted)
        {
            string instance = part.Instance.Length == 0 ? LayerResources.TopLevel : part.Instance;
            if (!byPart.TryGetValue(instance, out var r)) { lost++; continue; }
            samples.Add(new Sample(name, r[1], instance, int.Parse(r[3], inv), int.Parse(r[4], inv), part, null, null) { YosysLutMemory = lut6 ? int.Parse(r[^2], inv) : 0 });
        }
        Console.Error.WriteLine($"{name}: {counted.Count} parts, {lost} not in the CSV");
    }
}
foreach (var folder in yosysFrom != null ? Enumerable.Empty<string>() : Directory.GetDirectories(work).Order(StringComparer.Ordinal))
{
    var netlistPath = Path.Combine(folder, netlistFile);
    if (!File.Exists(netlistPath)) continue;
    var design = RtlParser.ReadFile(Path.Combine(folder, "design.rtl"));
    var netlist = YosysNetlist.Load(netlistPath, design.Top);
    var yosys = LayerResources.Of(netlist, folder).ToDictionary(u => u.Instance);
    var folding = string.Join(' ', File.ReadAllLines(Path.Combine(folder, "folding.yaml")).Where(l => l.StartsWith("  "))
        .Select(l => l.Trim().Replace(": { pe: ", "=").Replace(", simd: ", "x").Replace(" }", "")));
    var counted = RtlResourceCount.Of(design, fabric);
    foreach (var part in counted)
    {
        string instance = part.Instance.Length == 0 ? LayerResources.TopLevel : part.Instance;
        if (!yosys.TryGetValue(instance, out var y)) continue;
        samples.Add(new Sample(Path.GetFileName(folder), folding, instance, y.Luts, y.Ffs, part, y.EstimatedLuts, y.EstimatedFfs) { YosysLutMemory = y.LutMemory });
    }
    Console.Error.WriteLine($"{Path.GetFileName(folder)}: {counted.Count} parts");
}

var classes = LutClasses.All;
var coef = classes.ToDictionary(c => c, c => RtlResourceCoefficients.For(fabric, c));
if (fit) coef = Fit(samples.Where(s => s.Part != LayerResources.TopLevel).ToList());

double Estimate(Sample s) => classes.Sum(c => coef[c] * s.Count.Luts[c]);
string Pct(double est, double actual) => actual == 0 ? "-" : ((est - actual) / actual * 100).ToString("+0.0;-0.0", inv) + "%";

var md = new StringBuilder();
md.AppendLine($"# RTL resource count against yosys, {target} (`dotnet run -c Release bench/rtl-resource-fit.cs {work} --target {target}`)");
md.AppendLine();
md.AppendLine("| LUT class | coefficient | LUTs counted (all samples) |");
md.AppendLine("|---|---:|---:|");
foreach (var c in classes) md.AppendLine(string.Create(inv, $"| {LutClasses.Name(c)} | {coef[c]:0.000} | {samples.Sum(s => s.Count.Luts[c])} |"));
md.AppendLine();
var designs = samples.GroupBy(s => s.Build).ToList();
int lutOk = 0, ffOk = 0, modelLutOk = 0, modelFfOk = 0, totalOk = 0;
md.AppendLine("Per design (sum of its layers and argmax, the top level left out on both sides):");
md.AppendLine();
md.AppendLine("| build | folding | yosys LUT | RTL raw | RTL fitted | error | parametric model | error | yosys FF | RTL FF | error | parametric model | error |" + (lut6 ? " yosys LUT memory | RTL LUT memory | yosys LUT + memory | RTL fitted + memory | error |" : ""));
md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + (lut6 ? "---:|---:|---:|---:|---:|" : ""));
foreach (var d in designs)
{
    var parts = d.Where(s => s.Part != LayerResources.TopLevel).ToList();
    int yl = parts.Sum(s => s.YosysLuts), yf = parts.Sum(s => s.YosysFfs), raw = parts.Sum(s => s.Count.RawLuts), ff = parts.Sum(s => s.Count.Ffs);
    double est = parts.Sum(Estimate);
    if (Math.Abs(est - yl) <= 0.1 * yl) lutOk++;
    if (Math.Abs(ff - yf) <= 0.1 * yf) ffOk++;
    long ml = parts.Sum(s => s.ModelLuts ?? 0), mf = parts.Sum(s => s.ModelFfs ?? 0);
    if (Math.Abs(ml - yl) <= 0.1 * yl) modelLutOk++;
    if (Math.Abs(mf - yf) <= 0.1 * yf) modelFfOk++;
    int ym = parts.Sum(s => s.YosysLutMemory), rm = parts.Sum(s => s.Count.LutMemory);
    if (Math.Abs(est + rm - yl - ym) <= 0.1 * (yl + ym)) totalOk++;
    md.AppendLine(string.Create(inv, $"| {d.Key} | {d.First().Folding} | {yl} | {raw} | {est:0} | {Pct(est, yl)} | {ml} | {Pct(ml, yl)} | {yf} | {ff} | {Pct(ff, yf)} | {mf} | {Pct(mf, yf)} |")
        + (lut6 ? string.Create(inv, $" {ym} | {rm} | {yl + ym} | {est + rm:0} | {Pct(est + rm, yl + ym)} |") : ""));
}
md.AppendLine();
md.AppendLine($"Within 10 %: LUT {lutOk} of {designs.Count} designs, FF {ffOk} of {designs.Count} (the parametric model: LUT {modelLutOk}, FF {modelFfOk})."
    + (lut6 ? $" LUT + LUT memory: {totalOk} of {designs.Count}." : ""));
var layers = samples.Where(s => s.Part != LayerResources.TopLevel).ToList();
md.AppendLine($"Per layer within 10 %: LUT {layers.Count(s => Math.Abs(Estimate(s) - s.YosysLuts) <= 0.1 * s.YosysLuts)} of {layers.Count}, FF {layers.Count(s => Math.Abs(s.Count.Ffs - s.YosysFfs) <= 0.1 * s.YosysFfs)} of {layers.Count}.");
if (fit && designs.Count > 2)
{
    // leave one design out: its error with the coefficients fitted on the others (the honest out-of-sample figure)
    md.AppendLine();
    md.AppendLine("Leave one design out (coefficients fitted on the other designs):");
    md.AppendLine();
    md.AppendLine("| build | yosys LUT | RTL fitted without it | error |" + (lut6 ? " yosys LUT + memory | RTL + memory without it | error |" : ""));
    md.AppendLine("|---|---:|---:|---:|" + (lut6 ? "---:|---:|---:|" : ""));
    int heldOk = 0, heldTotalOk = 0;
    foreach (var d in designs)
    {
        var others = Fit(samples.Where(s => s.Build != d.Key && s.Part != LayerResources.TopLevel).ToList());
        var parts = d.Where(s => s.Part != LayerResources.TopLevel).ToList();
        int yl = parts.Sum(s => s.YosysLuts);
        double est = parts.Sum(s => classes.Sum(c => others[c] * s.Count.Luts[c]));
        if (Math.Abs(est - yl) <= 0.1 * yl) heldOk++;
        int ym = parts.Sum(s => s.YosysLutMemory), rm = parts.Sum(s => s.Count.LutMemory);
        if (Math.Abs(est + rm - yl - ym) <= 0.1 * (yl + ym)) heldTotalOk++;
        md.AppendLine(string.Create(inv, $"| {d.Key} | {yl} | {est:0} | {Pct(est, yl)} |") + (lut6 ? string.Create(inv, $" {yl + ym} | {est + rm:0} | {Pct(est + rm, yl + ym)} |") : ""));
    }
    md.AppendLine();
    md.AppendLine($"Held out, within 10 %: LUT {heldOk} of {designs.Count} designs." + (lut6 ? $" LUT + LUT memory: {heldTotalOk} of {designs.Count}." : ""));
}
md.AppendLine();
md.AppendLine("Per part:");
md.AppendLine();
md.AppendLine("| build | part | yosys LUT | RTL raw | RTL fitted | error | yosys FF | RTL FF | error | " + string.Join(" | ", classes.Select(LutClasses.Name)) + " |");
md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|" + string.Concat(classes.Select(_ => "---:|")));
foreach (var s in samples)
{
    double est = Estimate(s);
    md.AppendLine(string.Create(inv, $"| {s.Build} | {s.Part} | {s.YosysLuts} | {s.Count.RawLuts} | {est:0} | {Pct(est, s.YosysLuts)} | {s.YosysFfs} | {s.Count.Ffs} | {Pct(s.Count.Ffs, s.YosysFfs)} | ")
        + string.Join(" | ", classes.Select(c => s.Count.Luts[c])) + " |");
}
var outDir = Path.Combine("bench", "results", "rtl-resource-fit");
Directory.CreateDirectory(outDir);
File.WriteAllText(Path.Combine(outDir, $"{target}-residuals.md"), md.ToString());
var csv = new StringBuilder("build;folding;part;yosys luts;yosys ffs;rtl ffs;block ram bits;carries;" + string.Join(';', classes.Select(LutClasses.Name)) + (lut6 ? ";yosys lut memory;rtl lut memory" : "") + "\n");
foreach (var s in samples)
    csv.AppendLine($"{s.Build};{s.Folding};{s.Part};{s.YosysLuts};{s.YosysFfs};{s.Count.Ffs};{s.Count.BlockRamBits};{s.Count.Carries};" + string.Join(';', classes.Select(c => s.Count.Luts[c]))
        + (lut6 ? $";{s.YosysLutMemory};{s.Count.LutMemory}" : ""));
File.WriteAllText(Path.Combine(outDir, $"{target}-samples.csv"), csv.ToString());
Console.WriteLine(md.ToString());
if (fit && args.Contains("--write"))
{
    string part = target == "xc7" ? "Xc7" : "Ice40";
    var code = new StringBuilder();
    code.AppendLine("// Written by bench/rtl-resource-fit.cs --write (do not edit): " + string.Create(inv, $"{samples.Count(s => s.Part != LayerResources.TopLevel)} parts of {designs.Count} designs, {(perDesign ? "per design" : "per part")}, ridge {ridge}, weight power {power}."));
    code.AppendLine("namespace HwFlow.Compiler.Hardware.Resources;");
    code.AppendLine();
    code.AppendLine("public static partial class RtlResourceCoefficients");
    code.AppendLine("{");
    code.AppendLine($"    /// <summary>Per <see cref=\"LutClass\"/>, in its order: {string.Join(", ", classes.Select(LutClasses.Name))}.</summary>");
    code.AppendLine($"    private static readonly double[] {part} = [" + string.Join(", ", classes.Select(c => coef[c].ToString("0.000", inv))) + "];");
    code.AppendLine("}");
    File.WriteAllText(Path.Combine("src", "Compiler", "Hardware", "Resources", $"RtlResourceCoefficients.{part}.cs"), code.ToString());
}
Console.WriteLine("coefficients: " + string.Join(", ", classes.Select(c => string.Create(inv, $"{c} {coef[c]:0.000}"))));

// least squares on relative error per layer, ridge towards 1 (a class seen in few layers stays near its structural count)
Dictionary<LutClass, double> Fit(List<Sample> rows)
{
    int n = classes.Length;
    if (perDesign)
        rows = [.. rows.GroupBy(s => s.Build).Select(g => new Sample(g.Key, "", "design", g.Sum(s => s.YosysLuts), g.Sum(s => s.YosysFfs),
            new RtlPartCount("", 0, 0, 0, classes.ToDictionary(c => c, c => g.Sum(s => s.Count.Luts[c]))), null, null))];
    var a = new double[n, n];
    var b = new double[n];
    foreach (var s in rows)
    {
        if (s.YosysLuts == 0) continue;
        // relative error per layer, weighted by the layer's size to this power (0: every layer alike;
        // 1: a large layer counts more, as it does in a design's total)
        var x = classes.Select(c => s.Count.Luts[c] / (double)s.YosysLuts).ToArray();
        double w = Math.Pow(s.YosysLuts / 1000.0, power);
        for (int i = 0; i < n; i++)
        {
            b[i] += w * x[i];
            for (int j = 0; j < n; j++) a[i, j] += w * x[i] * x[j];
        }
    }
    for (int i = 0; i < n; i++) { a[i, i] += ridge; b[i] += ridge; }
    // a class the others can stand in for (collinear per-layer overheads) must not vanish: a
    // coefficient fitted below Floor is fixed there and the rest fitted again
    const double Floor = 0.0; // 0.3 measured worse (35 of 72 layers within 10 % against 46): the gates and comparisons are collinear per-layer overheads
    var solution = Solve(a, b);
    var fixedAt = new Dictionary<int, double>();
    for (int low; (low = Enumerable.Range(0, n).Where(i => !fixedAt.ContainsKey(i)).FirstOrDefault(i => solution[i] < Floor, -1)) >= 0;)
    {
        fixedAt[low] = Floor;
        var a2 = (double[,])a.Clone();
        var b2 = (double[])b.Clone();
        foreach (var (i, value) in fixedAt)
        {
            for (int r = 0; r < n; r++) { b2[r] -= a[r, i] * value; a2[r, i] = 0; a2[i, r] = 0; }
            a2[i, i] = 1;
            b2[i] = value;
        }
        solution = Solve(a2, b2);
    }
    return classes.Select((c, i) => (c, solution[i])).ToDictionary(p => p.c, p => p.Item2);
}

static double[] Solve(double[,] a, double[] b)
{
    int n = b.Length;
    var m = (double[,])a.Clone();
    var x = (double[])b.Clone();
    for (int col = 0; col < n; col++)
    {
        int pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(m[r, col]));
        for (int k = 0; k < n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
        (x[col], x[pivot]) = (x[pivot], x[col]);
        for (int r = 0; r < n; r++)
        {
            if (r == col || m[col, col] == 0) continue;
            double f = m[r, col] / m[col, col];
            for (int k = 0; k < n; k++) m[r, k] -= f * m[col, k];
            x[r] -= f * x[col];
        }
    }
    return [.. Enumerable.Range(0, n).Select(i => m[i, i] == 0 ? 1.0 : x[i] / m[i, i])];
}

sealed record Sample(string Build, string Folding, string Part, int YosysLuts, int YosysFfs, RtlPartCount Count, long? ModelLuts, long? ModelFfs)
{
    /// <summary>7 series LUTs used as memory (SRL, LUT RAM) in yosys's netlist, beside YosysLuts (LUT1..LUT6).</summary>
    public int YosysLutMemory { get; init; }
}
