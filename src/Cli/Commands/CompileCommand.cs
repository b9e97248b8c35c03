using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using HwFlow.Cli.Infrastructure;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Passes;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>
/// `hwflow compile MODEL -o OUT`: integer lowering, folding, hardware generation, and a build
/// folder (or, with --ir-only, just the integer graph and its report).
/// </summary>
public static class CompileCommand
{
    public sealed record IrResult(string Folder, IntegerGraphSummary Lowering, double Seconds, IReadOnlyList<string> Files);

    public sealed record BuildResult(string Folder, BuildReport Report, double Seconds, IReadOnlyList<string> Files);

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder or its model.yaml" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var irOnly = new Option<bool>("--ir-only") { Description = "Stop after integer lowering: write graph.ir and the report" };
        var dump = new Option<bool>("--dump-ir-after-each") { Description = "Also write the graph after every pass into ir-dump/" };
        var clock = new Option<double>("--clock-mhz") { Description = "Clock the frames/s targets and reports assume", DefaultValueFactory = _ => 100 };
        var targetFps = new Option<double?>("--target-fps") { Description = "Fold for at least this many frames/s at --clock-mhz, with the fewest LUTs" };
        var maxLuts = new Option<long?>("--max-luts") { Description = "Fold for the most frames/s within this many LUTs (estimated)" };
        var foldingFile = new Option<string?>("--folding") { Description = "YAML file with PE and SIMD per layer (overrides the optimizer; a build's folding.yaml is one)" };
        var device = new Option<string?>("--device")
        {
            Description = $"Fold for this FPGA: the fastest design estimated to fit in {Device.LutShare:P0} of its LUTs and in its block RAM, generated for its logic cell ({string.Join(", ", Device.All.Select(d => d.Name))})",
        };
        var lowering = new LoweringOptions();
        var json = Output.JsonOption();
        var command = new Command("compile", "Compile a model to its integer graph and multiply-free hardware")
        {
            model, output, force, irOnly, dump, clock, targetFps, maxLuts, foldingFile, device, json,
        };
        lowering.AddTo(command);
        CommandAction.Set(command, (parse, _) =>
        {
            var watch = Stopwatch.StartNew();
            var spec = ModelLoader.Load(parse.GetValue(model)!);
            var options = lowering.Read(parse);
            double clockMhz = parse.GetValue(clock);
            if (!(clockMhz > 0) || !double.IsFinite(clockMhz)) throw new UserError($"--clock-mhz must be a positive frequency, got {clockMhz}");
            var target = parse.GetValue(device) is { } deviceName ? Device.Parse(deviceName) : null;
            if (target is not null && parse.GetValue(maxLuts) is not null) throw new UserError("--device sets the LUT budget itself: drop --max-luts");
            var goal = Goal(parse.GetValue(targetFps), parse.GetValue(maxLuts) ?? target?.LutBudget, parse.GetValue(foldingFile), clockMhz);
            var hardware = new HardwareOptions { Fabric = target?.Fabric ?? LogicFabric.Lut4, Device = target?.Name };

            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            var files = new List<string>();
            var dumper = parse.GetValue(dump) ? new IrDumper(staged.File("ir-dump"), files) : null;
            var graph = IntegerLowering.Lower(spec, options, dumper);
            var summary = IntegerGraphSummary.Of(graph, options);

            if (parse.GetValue(irOnly))
            {
                File.WriteAllText(staged.File(BuildFolder.GraphFile), GraphPrinter.Print(graph));
                File.WriteAllText(staged.File("report.json"), JsonSerializer.Serialize(summary, Output.JsonOptions) + "\n");
                File.WriteAllText(staged.File("report.md"), IrMarkdown(summary));
                files.InsertRange(0, [BuildFolder.GraphFile, "report.md", "report.json"]);
                staged.Commit();
                Output.From(parse, json).Report(new IrResult(staged.Target, summary, watch.Elapsed.TotalSeconds, files), PrintIr);
                return ExitCodes.Success;
            }

            var stages = StagePlanner.Plan(graph);
            var shapes = StagePlanner.Shapes(stages);
            var plan = parse.GetValue(foldingFile) is { } path
                ? FoldingFile.Load(path, shapes)
                : FoldingOptimizer.Optimize(shapes, graph.Input.Type.Length, goal!);
            HardwareDesign design;
            DeviceFit? fit = null;
            if (target is not null && parse.GetValue(foldingFile) is null) (design, fit) = DeviceFolding.Fold(target, stages, graph.Input.Type.Length, goal!);
            else
            {
                design = HardwareGenerator.Generate(stages, plan, hardware);
                if (target is not null) fit = DeviceFit.Check(target, design, ResourceModel.Default.Design(shapes, graph.Input.Type.Length, plan).Luts);
            }
            var report = BuildWriter.Write(staged.Path, spec, graph, design, summary, clockMhz, fit);
            staged.Commit();
            files.InsertRange(0, Directory.GetFiles(staged.Target).Select(f => Path.GetFileName(f)!).Order());
            Output.From(parse, json).Report(new BuildResult(staged.Target, report, watch.Elapsed.TotalSeconds, files), PrintBuild);
            return ExitCodes.Success;
        });
        return command;
    }

    private static FoldingGoal? Goal(double? fps, long? luts, string? file, double clockMhz)
    {
        if (fps is not null && luts is not null) throw new UserError("--target-fps and --max-luts cannot be combined: give one goal");
        if (file is not null && (fps is not null || luts is not null)) throw new UserError("--folding fixes PE and SIMD itself: drop --target-fps / --max-luts");
        if (fps is { } f) return new FoldingGoal.TargetFps(f, clockMhz);
        if (luts is { } l) return new FoldingGoal.MaxLuts(l);
        return new FoldingGoal.Fastest();
    }

    private static string IrMarkdown(IntegerGraphSummary s)
    {
        var md = new StringBuilder();
        md.Append($"# {s.Model}: integer graph\n\n");
        md.Append($"Options: first-layer bits {s.Options.FirstLayerBits}, coefficient bits {s.Options.CoefBits}, activation bits {s.Options.ActivationBits}, scales {(s.Options.Scales?.ToString().ToLowerInvariant() ?? "from the model")}.\n\n");
        md.Append($"Widest value: {s.MaxWidth} bits. Constants: {s.ConstantBits:N0} bits.\n\n");
        md.Append("| value | op | type | range | scale |\n|---|---|---|---|---|\n");
        foreach (var v in s.Values)
            md.Append($"| %{v.Name} | {v.Op} | {v.Type} | {(v.Type.StartsWith("bits", StringComparison.Ordinal) || v.Type.StartsWith("real", StringComparison.Ordinal) ? "" : $"[{v.Min}, {v.Max}]")} | {(v.Width > 1 || v.Op == Ops.Input ? v.Scale.ToString("G6") : "")} |\n");
        return md.ToString();
    }

    private static void PrintIr(IrResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("value", "op", "type", "range");
        foreach (var v in r.Lowering.Values)
            table.AddTextRow($"%{v.Name}", v.Op, v.Type, v.Type.StartsWith("bits", StringComparison.Ordinal) ? "" : $"[{v.Min:N0}, {v.Max:N0}]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"lowered [bold]{r.Lowering.Model}[/] in {r.Seconds * 1000:F0} ms; widest value {r.Lowering.MaxWidth} bits; constants {Units.Bits(r.Lowering.ConstantBits)}");
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}: {string.Join(", ", r.Files.Take(6))}{(r.Files.Count > 6 ? ", ..." : "")}");
    }

    private static void PrintBuild(BuildResult r)
    {
        var f = r.Report.Folding;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("layer", "kind", "in -> out", "chunk", "PE", "SIMD", "cycles", "LUT", "FF", "BRAM bits");
        foreach (var l in f.Layers)
            table.AddTextRow(l.Name, l.Kind.ToString().ToLowerInvariant(), $"{l.Inputs} -> {l.Outputs}", l.Chunk?.ToString() ?? "-", l.Pe.ToString(), l.Simd.ToString(),
                l.Cycles.ToString("N0"), l.Luts.ToString("N0"), l.Ffs.ToString("N0"), l.BramBits.ToString("N0"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Report.Model}[/]: {r.Report.CyclesPerFrame:N0} cycles/frame ({f.LimitedBy}), {f.FramesPerSecond:N0} frames/s at {f.ClockMhz} MHz, latency {r.Report.LatencyCycles:N0} cycles ({f.LatencyMicroseconds:F2} us)");
        AnsiConsole.MarkupLineInterpolated($"estimated {f.Luts:N0} LUT, {f.Ffs:N0} FF, {Units.Bits(f.BramBits)} block RAM; compiled in {r.Seconds:F2} s");
        if (r.Report.DeviceFit is { } fit)
            AnsiConsole.MarkupLineInterpolated($"fits {fit.Device} by the estimate: {fit.EstimatedLuts:N0} of {fit.LutBudget:N0} budgeted LUTs ({Device.LutShare:P0} of {fit.DeviceLuts:N0}), {fit.BlockRams} of {fit.DeviceBlockRams} block RAMs; confirm with hwflow synth");
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}: {string.Join(", ", r.Files.Take(8))}{(r.Files.Count > 8 ? ", ..." : "")}");
    }

    /// <summary>Writes the graph after each pass as ir-dump/NN-pass-name.ir.</summary>
    private sealed class IrDumper(string folder, List<string> files) : IPassObserver
    {
        private int _count;

        public void PassRan(Pass pass, bool changed, Graph before, Graph after, IReadOnlyList<Correspondence> correspondences)
        {
            Directory.CreateDirectory(folder);
            var name = $"{++_count:00}-{pass.Name}.ir";
            File.WriteAllText(Path.Combine(folder, name), GraphPrinter.Print(after));
            files.Add("ir-dump/" + name);
        }
    }
}
