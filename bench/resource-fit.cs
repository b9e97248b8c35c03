#:project ../src/Compiler/HwFlow.Compiler.csproj
#:project ../src/Fpga/HwFlow.Fpga.csproj
#:property PublishAot=false
// Fits the resource model's per-component scales (ResourceCalibration) against yosys.
// Every shipped example is generated at up to three foldings (the slowest, and the fastest within
// 3,000 / 6,000 / 12,000 LUTs of the uncalibrated model, the first three distinct), synthesized
// flat (synth_ice40, or synth_xilinx for --target xc7, as `hwflow synth` does), and the netlist's
// cells split per layer instance (yosys names a flattened cell after its instance path). Each layer
// is one sample: its LUTs and flip-flops against the model's uncalibrated count per component.
// The scales minimize the squared relative error per layer, pulled towards 1 (ridge) so that a
// component with few samples stays near the structural count. Writes:
//   bench/results/resource-fit/<target>-samples.csv    (the yosys counts, reused with --refit)
//   bench/results/resource-fit/<target>-residuals.md   (per layer and per design, before and after)
//   src/Compiler/Hardware/Folding/ResourceCalibration.Fitted.cs (the table the compiler reads)
// Run from the repository root (one yosys at a time, niced):
//   dotnet run -c Release bench/resource-fit.cs [--target ice40|xc7] [--refit] [--only NAME,...] [--timeout-min N]
// --refit skips synthesis and fits the stored samples again; --only keeps those examples' samples
// from the store and re-synthesizes just them.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Rtl;
using HwFlow.Fpga;
using HwFlow.Runtime.Model;

var inv = CultureInfo.InvariantCulture;
string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
var target = Option("--target", "ice40");
if (target is not ("ice40" or "xc7")) { Console.Error.WriteLine("--target ice40|xc7"); return 2; }
var fabric = target == "xc7" ? LogicFabric.Lut6 : LogicFabric.Lut4;
bool refit = args.Contains("--refit");
var only = Option("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
var timeout = TimeSpan.FromMinutes(double.Parse(Option("--timeout-min", "20"), inv));
var results = Path.GetFullPath("bench/results/resource-fit");
Directory.CreateDirectory(results);
var samplesPath = Path.Combine(results, $"{target}-samples.csv");
var work = Path.Combine(Path.GetTempPath(), "hwflow-resource-fit");
var raw = new ResourceModel(ResourceCosts.Default with { Calibration = ResourceCalibration.None });
var components = ResourceComponents.All.ToList();

var examples = new List<string>();
foreach (var dir in Directory.GetDirectories("examples").Order(StringComparer.Ordinal))
{
    if (File.Exists(Path.Combine(dir, "model.yaml"))) examples.Add(dir);
    examples.AddRange(Directory.GetFiles(dir, "*.onnx").Order(StringComparer.Ordinal));
}
// the small designs first, the convolutions (whose synthesis takes longest) last
examples = [.. examples.OrderBy(e => e.Contains("cnn", StringComparison.Ordinal)).ThenBy(e => e.Contains("hbnn-mlp", StringComparison.Ordinal))];
string NameOf(string path) => Path.GetFileNameWithoutExtension(path.TrimEnd('/'));

// stored samples: example, folding, part, luts, ffs, then per component the raw LUTs and FFs
var stored = File.Exists(samplesPath) ? File.ReadAllLines(samplesPath).Skip(1).Select(Sample.Parse).ToList() : [];
var samples = new List<Sample>();
var designs = new List<DesignRow>();
foreach (var path in examples)
{
    var name = NameOf(path);
    var spec = ModelLoader.Load(path);
    var graph = IntegerLowering.Lower(spec, new CompileOptions());
    var stages = StagePlanner.Plan(graph);
    var shapes = StagePlanner.Shapes(stages);
    int inputBytes = graph.Input.Type.Length;
    foreach (var plan in Foldings(shapes, inputBytes))
    {
        var folding = string.Join(" ", plan.Layers.Select(l => $"{l.Layer}={l.Pe}x{l.Simd}"));
        var estimate = raw.Design(shapes, inputBytes, plan);
        var rows = Rows(shapes, estimate);
        List<Sample> measured;
        if (refit || (only.Count > 0 && !only.Contains(name)))
        {
            measured = [.. stored.Where(s => s.Example == name && s.Folding == folding)];
            if (measured.Count == 0) { Console.WriteLine($"{name} [{folding}]: no stored sample, skipped"); continue; }
            measured = [.. measured.Select(m => m with { Raw = rows.GetValueOrDefault(m.Part, m.Raw) })]; // the model may have changed since
        }
        else
        {
            var design = HardwareGenerator.Generate(stages, plan, new HardwareOptions { Fabric = fabric });
            var split = Synthesize(design, $"{name} [{folding}]");
            if (split is null) continue;
            measured = [.. split.Where(u => rows.ContainsKey(u.Part)).Select(u => new Sample(name, folding, u.Part, u.Luts, u.Ffs, u.BlockRams, rows[u.Part]))];
            var top = split.FirstOrDefault(u => u.Part == LayerResources.TopLevel);
            Console.WriteLine($"  top level (not in any instance): {top?.Luts ?? 0} LUT, {top?.Ffs ?? 0} FF");
        }
        samples.AddRange(measured);
        designs.Add(new DesignRow(name, folding, estimate.Luts, estimate.Ffs, measured));
        if (!refit) Store(); // after every synthesis: a run stopped early keeps what it measured
    }
}
// --import BUILD,...: hwflow build folders already synthesized (BUILD/synth/<target>*/netlist.json), their
// folding from BUILD/folding.yaml and model from BUILD/model; their RTL is whatever generator built them
foreach (var build in Option("--import", "").Split(',', StringSplitOptions.RemoveEmptyEntries))
{
    var synthDir = Directory.Exists(Path.Combine(build, "synth")) ? Directory.GetDirectories(Path.Combine(build, "synth")).FirstOrDefault(d => Path.GetFileName(d).StartsWith(target, StringComparison.Ordinal)) : null;
    if (synthDir is null || !File.Exists(Path.Combine(synthDir, "netlist.json"))) { Console.WriteLine($"{build}: no {target} netlist, skipped"); continue; }
    var graph = IntegerLowering.Lower(ModelLoader.Load(Path.Combine(build, "model")), new CompileOptions());
    var shapes = StagePlanner.Shapes(StagePlanner.Plan(graph));
    var plan = FoldingFile.Load(Path.Combine(build, "folding.yaml"), shapes);
    var folding = string.Join(" ", plan.Layers.Select(l => $"{l.Layer}={l.Pe}x{l.Simd}"));
    var estimate = raw.Design(shapes, graph.Input.Type.Length, plan);
    var rows = Rows(shapes, estimate);
    var split = LayerResources.Of(YosysNetlist.Load(Path.Combine(synthDir, "netlist.json"), "hwflow_top"), synthDir);
    var name = "import " + Path.GetFileName(Path.GetFullPath(build).TrimEnd('/'));
    var measured = split.Where(u => rows.ContainsKey(u.Part)).Select(u => new Sample(name, folding, u.Part, u.Luts, u.Ffs, u.BlockRams, rows[u.Part])).ToList();
    Console.WriteLine($"{name} [{folding}]: {measured.Sum(m => m.Luts)} LUT, {measured.Sum(m => m.Ffs)} FF in {measured.Count} parts");
    stored.RemoveAll(m => m.Example == name);
    samples.AddRange(measured);
    designs.Add(new DesignRow(name, folding, estimate.Luts, estimate.Ffs, measured));
}
if (refit)
    foreach (var group in stored.Where(m => m.Example.StartsWith("import ", StringComparison.Ordinal) && !samples.Any(n => n.Example == m.Example)).GroupBy(m => (m.Example, m.Folding)))
    {
        samples.AddRange(group);
        designs.Add(new DesignRow(group.Key.Example, group.Key.Folding, 0, 0, [.. group]));
    }
Store();
if (samples.Count == 0) { Console.Error.WriteLine("no samples to fit"); return 1; }

var lutScales = Fit(samples, s => s.Luts, s => s.Raw.Select(r => r.Luts).ToArray());
var ffScales = Fit(samples, s => s.Ffs, s => s.Raw.Select(r => r.Ffs).ToArray());
WriteTable(target, lutScales, ffScales, samples);
WriteResiduals(target, lutScales, ffScales, samples, designs);
return 0;

// ---------------------------------------------------------------------------------------------

void Store()
{
    var keep = stored.Where(s => !samples.Any(n => n.Example == s.Example && n.Folding == s.Folding));
    var all = keep.Concat(samples).OrderBy(s => s.Example, StringComparer.Ordinal).ThenBy(s => s.Folding, StringComparer.Ordinal).ThenBy(s => s.Part, StringComparer.Ordinal);
    File.WriteAllLines(samplesPath, all.Select(s => s.Line()).Prepend(Sample.Header()));
}

IEnumerable<FoldingPlan> Foldings(IReadOnlyList<LayerShape> shapes, int inputBytes)
{
    var goals = new FoldingGoal[] { new FoldingGoal.MaxCycles(long.MaxValue / 4), new FoldingGoal.MaxLuts(3_000), new FoldingGoal.MaxLuts(6_000), new FoldingGoal.MaxLuts(12_000) };
    var seen = new HashSet<string>();
    foreach (var goal in goals)
    {
        FoldingPlan plan;
        try { plan = FoldingOptimizer.Optimize(shapes, inputBytes, goal, raw); }
        catch (FoldingGoalUnreachable) { continue; }
        if (!seen.Add(string.Join(",", plan.Layers.Select(l => $"{l.Pe}x{l.Simd}")))) continue;
        yield return plan;
        if (seen.Count == 3) yield break;
    }
}

// per part (layer name, "argmax"), the raw model per component; the input stage sits in the first layer's instance
Dictionary<string, (double Luts, double Ffs)[]> Rows(IReadOnlyList<LayerShape> shapes, DesignResources estimate)
{
    var rows = new Dictionary<string, (double, double)[]>();
    (double, double)[] Vector(IEnumerable<ResourceTerm> terms)
    {
        var v = new (double Luts, double Ffs)[components.Count];
        foreach (var t in terms)
        {
            int i = Math.Max(0, components.IndexOf(t.Component ?? ResourceComponents.Control));
            v[i] = (v[i].Luts + t.RawLuts(raw.Costs), v[i].Ffs + t.Ffs);
        }
        return v;
    }
    // keyed by the instance the netlist split names (layer_ + the layer's name, dots as underscores)
    foreach (var (layer, i) in estimate.Layers.Select((l, i) => (l, i)))
        rows["layer_" + layer.Stage.Replace('.', '_')] = Vector(i == 0 ? layer.Terms.Concat(estimate.Glue.Where(g => g.Stage == "input stage").SelectMany(g => g.Terms)) : layer.Terms);
    rows["argmax"] = Vector(estimate.Glue.Where(g => g.Stage == "argmax").SelectMany(g => g.Terms));
    return rows;
}

IReadOnlyList<LayerUse>? Synthesize(HardwareDesign design, string label)
{
    string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    var folder = Path.Combine(work, target, Hash(label));
    if (Directory.Exists(Path.Combine(folder, "rtl"))) Directory.Delete(Path.Combine(folder, "rtl"), recursive: true);
    Directory.CreateDirectory(folder);
    var files = VerilogEmitter.Write(design.Rtl, Path.Combine(folder, "rtl"), "rtl/").Where(f => f.EndsWith(".v", StringComparison.Ordinal)).Select(f => "rtl/" + Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
    // a netlist of other RTL (the generator changed since) is synthesized again
    var rtlHash = Hash(string.Concat(Directory.GetFiles(Path.Combine(folder, "rtl")).Order(StringComparer.Ordinal).Select(File.ReadAllText)));
    var hashFile = Path.Combine(folder, "rtl.sha256");
    if (!File.Exists(hashFile) || File.ReadAllText(hashFile) != rtlHash) File.Delete(Path.Combine(folder, "netlist.json"));
    File.WriteAllText(hashFile, rtlHash);
    var synth = target == "xc7" ? "synth_xilinx -top hwflow_top -family xc7 -flatten -noiopad -noclkbuf" : "synth_ice40 -top hwflow_top";
    var json = Path.Combine(folder, "netlist.json");
    var watch = Stopwatch.StartNew();
    if (!File.Exists(json))
    {
        var start = new ProcessStartInfo("nice", ["-n", "10", "yosys", "-q", "-p", $"read_verilog {string.Join(' ', files)}; {synth}; write_json netlist.tmp.json"]) { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        using var yosys = Process.Start(start)!;
        var stderr = yosys.StandardError.ReadToEndAsync();
        _ = yosys.StandardOutput.ReadToEndAsync();
        if (!yosys.WaitForExit(timeout))
        {
            yosys.Kill(entireProcessTree: true);
            Console.WriteLine($"{label}: yosys over {timeout.TotalMinutes} min, skipped");
            return null;
        }
        if (yosys.ExitCode != 0) { Console.WriteLine($"{label}: yosys failed: {stderr.Result.Split('\n').FirstOrDefault(l => l.Contains("ERROR"))}"); return null; }
        File.Move(Path.Combine(folder, "netlist.tmp.json"), json);
    }
    var split = LayerResources.Of(YosysNetlist.Load(json, "hwflow_top"), folder);
    Console.WriteLine($"{label}: {split.Sum(u => u.Luts)} LUT, {split.Sum(u => u.Ffs)} FF ({watch.Elapsed.TotalSeconds:F0} s)");
    return split;
}

// ridge least squares on relative error: minimize sum_r ((y_r - x_r . s) / y_r)^2 + lambda * |s - 1|^2
double[] Fit(List<Sample> all, Func<Sample, double> measured, Func<Sample, double[]> rawOf)
{
    const double lambda = 0.02;
    int n = components.Count;
    var a = new double[n, n];
    var b = new double[n];
    foreach (var s in all.Where(s => measured(s) >= 20))
    {
        var x = rawOf(s);
        double y = measured(s);
        for (int i = 0; i < n; i++)
        {
            b[i] += x[i] / y;
            for (int j = 0; j < n; j++) a[i, j] += x[i] * x[j] / (y * y);
        }
    }
    for (int i = 0; i < n; i++) { a[i, i] += lambda; b[i] += lambda; }
    var scales = Solve(a, b);
    return [.. scales.Select(v => Math.Round(Math.Clamp(v, 0.25, 4.0), 3))];
}

static double[] Solve(double[,] a, double[] b)
{
    int n = b.Length;
    var m = (double[,])a.Clone();
    var v = (double[])b.Clone();
    for (int c = 0; c < n; c++)
    {
        int p = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(m[r, c]));
        for (int k = 0; k < n; k++) (m[c, k], m[p, k]) = (m[p, k], m[c, k]);
        (v[c], v[p]) = (v[p], v[c]);
        for (int r = 0; r < n; r++)
        {
            if (r == c || m[r, c] == 0) continue;
            double f = m[r, c] / m[c, c];
            for (int k = 0; k < n; k++) m[r, k] -= f * m[c, k];
            v[r] -= f * v[c];
        }
    }
    return [.. Enumerable.Range(0, n).Select(i => v[i] / m[i, i])];
}

double Scaled(Sample s, double[] scales, bool luts) => s.Raw.Select((r, i) => (luts ? r.Luts : r.Ffs) * scales[i]).Sum();

void WriteTable(string name, double[] luts, double[] ffs, List<Sample> all)
{
    var path = "src/Compiler/Hardware/Folding/ResourceCalibration.Fitted.cs";
    var tables = new SortedDictionary<string, string>(StringComparer.Ordinal);
    // keep the other target's table as it is
    if (File.Exists(path))
        foreach (var block in File.ReadAllText(path).Split("    /// <summary>").Skip(1))
        {
            var key = block.Contains("public static ResourceCalibration Xc7", StringComparison.Ordinal) ? "xc7" : "ice40";
            tables[key] = "    /// <summary>" + block.TrimEnd().TrimEnd('}').TrimEnd() + "\n";
        }
    var used = components.Select((c, i) => (c, i)).Where(p => all.Any(s => s.Raw[p.i].Luts > 0 || s.Raw[p.i].Ffs > 0)).ToList();
    var body = new StringBuilder();
    string title = name == "xc7" ? "7 series (LUT6, yosys synth_xilinx)" : "iCE40 (LUT4, yosys synth_ice40)";
    body.AppendLine(inv, $"    /// <summary>{title}: fitted on {all.Count} layer samples of {all.Select(s => s.Example + s.Folding).Distinct().Count()} designs.</summary>");
    body.AppendLine(inv, $"    public static ResourceCalibration {(name == "xc7" ? "Xc7" : "Ice40")} {{ get; }} = new(\"{name}\", new Dictionary<string, (double, double)>");
    body.AppendLine("    {");
    foreach (var (c, i) in used) body.AppendLine(inv, $"        [\"{c}\"] = ({luts[i].ToString("0.000", inv)}, {ffs[i].ToString("0.000", inv)}),");
    body.AppendLine("    });");
    tables[name] = body.ToString();
    var file = new StringBuilder();
    file.AppendLine("// Generated by bench/resource-fit.cs: do not edit; re-run the fit instead.");
    file.AppendLine("namespace HwFlow.Compiler.Hardware.Folding;");
    file.AppendLine();
    file.AppendLine("public sealed partial record ResourceCalibration");
    file.AppendLine("{");
    file.Append(string.Join("\n", tables.Values));
    file.AppendLine("}");
    File.WriteAllText(path, file.ToString());
    Console.WriteLine($"wrote {path}");
}

void WriteResiduals(string name, double[] luts, double[] ffs, List<Sample> all, List<DesignRow> rows)
{
    var md = new StringBuilder();
    md.AppendLine(inv, $"# Resource-model fit, {name} (`dotnet run -c Release bench/resource-fit.cs --target {name}`)");
    md.AppendLine();
    md.AppendLine("| component | LUT scale | FF scale | layers with it |");
    md.AppendLine("|---|---:|---:|---:|");
    for (int i = 0; i < components.Count; i++)
    {
        int n = all.Count(s => s.Raw[i].Luts > 0 || s.Raw[i].Ffs > 0);
        if (n > 0) md.AppendLine(inv, $"| {components[i]} | {luts[i]:0.000} | {ffs[i]:0.000} | {n} |");
    }
    md.AppendLine();
    md.AppendLine("Per design (sum of its layers and argmax; cells outside every instance are not counted on either side):");
    md.AppendLine();
    md.AppendLine("| example | folding | yosys LUT | raw model | fitted | error | yosys FF | raw model | fitted | error |");
    md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var d in rows.Where(r => r.Samples.Count > 0))
    {
        double yl = d.Samples.Sum(s => s.Luts), yf = d.Samples.Sum(s => s.Ffs);
        double rl = d.Samples.Sum(s => s.Raw.Sum(r => r.Luts)), rf = d.Samples.Sum(s => s.Raw.Sum(r => r.Ffs));
        double fl = d.Samples.Sum(s => Scaled(s, luts, true)), ff = d.Samples.Sum(s => Scaled(s, ffs, false));
        md.AppendLine(inv, $"| {d.Example} | {d.Folding} | {yl:0} | {rl:0} | {fl:0} | {Pct(fl, yl)} | {yf:0} | {rf:0} | {ff:0} | {Pct(ff, yf)} |");
    }
    md.AppendLine();
    md.AppendLine("Per layer:");
    md.AppendLine();
    md.AppendLine("| example | folding | part | yosys LUT | fitted | error | yosys FF | fitted | error |");
    md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
    foreach (var s in all)
        md.AppendLine(inv, $"| {s.Example} | {s.Folding} | {s.Part} | {s.Luts} | {Scaled(s, luts, true):0} | {Pct(Scaled(s, luts, true), s.Luts)} | {s.Ffs} | {Scaled(s, ffs, false):0} | {Pct(Scaled(s, ffs, false), s.Ffs)} |");
    var path = Path.Combine(results, $"{name}-residuals.md");
    File.WriteAllText(path, md.ToString());
    Console.WriteLine($"wrote {path}");
    Console.Write(md.ToString().Split("Per layer:")[0]);
}

static string Pct(double estimate, double measured) => measured == 0 ? "-" : ((estimate - measured) / measured).ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture);

record DesignRow(string Example, string Folding, long RawLuts, long RawFfs, List<Sample> Samples);

record Sample(string Example, string Folding, string Part, int Luts, int Ffs, double BlockRams, (double Luts, double Ffs)[] Raw)
{
    public static string Header() => "example;folding;part;luts;ffs;brams;" + string.Join(";", ResourceComponents.All.Select(c => $"{c} lut;{c} ff"));

    public string Line() => string.Join(";", new[] { Example, Folding, Part, Luts.ToString(CultureInfo.InvariantCulture), Ffs.ToString(CultureInfo.InvariantCulture), BlockRams.ToString(CultureInfo.InvariantCulture) }
        .Concat(Raw.SelectMany(r => new[] { r.Luts.ToString("0.##", CultureInfo.InvariantCulture), r.Ffs.ToString("0.##", CultureInfo.InvariantCulture) })));

    public static Sample Parse(string line)
    {
        var f = line.Split(';');
        var raw = new (double, double)[ResourceComponents.All.Count];
        for (int i = 0; i < raw.Length && 7 + (2 * i) < f.Length; i++)
            raw[i] = (double.Parse(f[6 + (2 * i)], CultureInfo.InvariantCulture), double.Parse(f[7 + (2 * i)], CultureInfo.InvariantCulture));
        return new Sample(f[0], f[1], f[2], int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture), double.Parse(f[5], CultureInfo.InvariantCulture), raw);
    }
}
