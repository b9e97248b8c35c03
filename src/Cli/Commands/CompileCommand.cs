using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using HwFlow.Cli.Infrastructure;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Passes;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;
using Spectre.Console;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow compile MODEL -o OUT`: integer lowering (and, without --ir-only, hardware generation).</summary>
public static class CompileCommand
{
    public sealed record IrResult(string Folder, IntegerGraphSummary Lowering, IReadOnlyList<string> Files);

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model folder or its model.yaml" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the output folder if it exists" };
        var irOnly = new Option<bool>("--ir-only") { Description = "Stop after integer lowering: write graph.ir and the report" };
        var dump = new Option<bool>("--dump-ir-after-each") { Description = "Also write the graph after every pass into ir-dump/" };
        var lowering = new LoweringOptions();
        var json = Output.JsonOption();
        var command = new Command("compile", "Compile a model to its integer graph and multiply-free hardware") { model, output, force, irOnly, dump, json };
        lowering.AddTo(command);
        CommandAction.Set(command, (parse, _) =>
        {
            var spec = ModelLoader.Load(parse.GetValue(model)!);
            var options = lowering.Read(parse);
            using var staged = StagedFolder.Begin(parse.GetValue(output)!, parse.GetValue(force));
            var files = new List<string>();
            var dumper = parse.GetValue(dump) ? new IrDumper(staged.File("ir-dump"), files) : null;

            var watch = Stopwatch.StartNew();
            var graph = IntegerLowering.Lower(spec, options, dumper);
            var summary = IntegerGraphSummary.Of(graph, options, watch.Elapsed.TotalSeconds);
            File.WriteAllText(staged.File("graph.ir"), GraphPrinter.Print(graph));
            files.Insert(0, "graph.ir");
            if (!parse.GetValue(irOnly))
                throw new Runtime.Errors.UserError("hardware generation is not available in this build yet; use --ir-only");
            File.WriteAllText(staged.File("report.json"), JsonSerializer.Serialize(summary, Output.JsonOptions) + "\n");
            File.WriteAllText(staged.File("report.md"), Markdown(summary));
            files.AddRange(["report.md", "report.json"]);
            staged.Commit();
            Output.From(parse, json).Report(new IrResult(staged.Target, summary, files), Print);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Markdown(IntegerGraphSummary s)
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

    private static void Print(IrResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("value", "op", "type", "range");
        foreach (var v in r.Lowering.Values)
            table.AddTextRow($"%{v.Name}", v.Op, v.Type, v.Type.StartsWith("bits", StringComparison.Ordinal) ? "" : $"[{v.Min:N0}, {v.Max:N0}]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"lowered [bold]{r.Lowering.Model}[/] in {r.Lowering.LoweringSeconds * 1000:F0} ms; widest value {r.Lowering.MaxWidth} bits; constants {Units.Bits(r.Lowering.ConstantBits)}");
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}: {string.Join(", ", r.Files.Take(6))}{(r.Files.Count > 6 ? ", ..." : "")}");
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
