using System.CommandLine;
using System.Globalization;
using HwFlow.Cli.Infrastructure;
using HwFlow.Fpga;
using HwFlow.Fpga.Simulation;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;
using Spectre.Console;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Cli.Commands;

/// <summary>
/// `hwflow synth BUILD --target T`: an iCE40 bitstream with area, Fmax and frames/s, or a
/// 7-series estimate with a Vivado script; fails when the design multiplies, does not fit, or
/// misses its clock.
/// </summary>
public static class SynthCommand
{
    /// <summary>What --json prints: the report (as in synth.json), where the files went, and how long each tool took.</summary>
    public sealed record Result(SynthReport Report, string Folder, string? Bitstream, double FlowSeconds, IReadOnlyList<FlowStep> Steps,
        NetlistCheck? NetlistCheck = null);

    /// <summary>The synthesized netlist on test images against the golden kernel (--check-netlist).</summary>
    public sealed record NetlistCheck(string Dataset, int Images, string Summary, int Mismatches, double Seconds);

    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var target = new Option<string>("--target")
        {
            Description = "ice40-up5k or ice40-hx8k (bitstream), or xc7 (synthesis estimate and a Vivado script)",
            Required = true,
        };
        target.AcceptOnlyFromAmong([.. FpgaTarget.All.Select(t => t.Name)]);
        var clock = new Option<double?>("--clock-mhz")
        {
            Description = "Clock constraint in MHz (default: the build's clockMhz; the board's clock with --shell)",
        };
        var shell = new Option<string?>("--shell")
        {
            Description = "Put the core in a board shell: icebreaker (UART in and out, iCEBreaker pins, 12 MHz; needs --target ice40-up5k)",
        };
        shell.AcceptOnlyFromAmong([.. BoardShell.All.Select(s => s.Name)]);
        var checkNetlist = new Option<int?>("--check-netlist")
        {
            Description = "Then simulate the synthesized netlist (yosys's iCE40 cell models, built with Verilator) on the first N test images, under random stalls, and compare every class with the golden kernel (iCE40, no --shell)",
        };
        var checkDataset = new Option<string>("--check-dataset")
        {
            Description = "Images for --check-netlist: fashion-mnist, mnist, or a folder of IDX files",
            DefaultValueFactory = _ => "fashion-mnist",
        };
        var json = Output.JsonOption();
        var command = new Command("synth", "Synthesize a build for an FPGA: bitstream, LUTs, block RAM, Fmax and frames/s, and the multiply-free check")
        {
            build, target, clock, shell, checkNetlist, checkDataset, json,
        };
        CommandAction.Set(command, (parse, cancel) =>
        {
            var fpga = FpgaTarget.Parse(parse.GetValue(target)!);
            var board = parse.GetValue(shell) is { } name ? BoardShell.Parse(name, fpga) : null;
            var mhz = parse.GetValue(clock);
            if (mhz is { } f && !(f > 0 && f < 10_000))
                throw new UserError($"--clock-mhz: expected a frequency in MHz above 0 and below 10000, not {f.ToString(CultureInfo.InvariantCulture)}");
            var folder = BuildFolder.Open(parse.GetValue(build)!);
            var checkCount = parse.GetValue(checkNetlist);
            // Refused before the flow runs: a user should not wait for place and route to learn this.
            IReadOnlyList<byte[]>? checkFrames = null;
            if (checkCount is { } n)
            {
                if (n < 1) throw new UserError($"--check-netlist must be at least 1 image, got {n}");
                if (!fpga.Name.StartsWith("ice40", StringComparison.Ordinal) || board is not null)
                    throw new UserError("--check-netlist simulates the bare core's iCE40 netlist: use it with --target ice40-up5k or ice40-hx8k and without --shell");
                checkFrames = NetlistCheckFrames(folder, parse.GetValue(checkDataset)!, n);
            }
            var outcome = ProgressDisplay.Run($"synth {fpga.Name}", SynthFlow.StepCount(fpga),
                progress => new SynthFlow().Run(folder, new SynthOptions(fpga, mhz, board), progress, cancel));
            var bitstream = outcome.Report.Files.FirstOrDefault(file => file.EndsWith(".bin", StringComparison.Ordinal));
            var check = checkFrames is null ? null : CheckNetlist(folder, outcome.Folder, parse.GetValue(checkDataset)!, checkFrames, cancel);
            var result = new Result(outcome.Report, outcome.Folder, bitstream is null ? null : Path.Combine(outcome.Folder, bitstream),
                Math.Round(outcome.Seconds, 2), outcome.Steps, check);
            Output.From(parse, json).Report(result, Print);
            return check is { Mismatches: > 0 } ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    private static IReadOnlyList<byte[]> NetlistCheckFrames(BuildFolder folder, string dataset, int count)
    {
        var data = DatasetCatalog.Load(dataset, DataSplit.Test).Take(count);
        if (data.Features != folder.Manifest.InputBytes)
            throw new UserError($"--check-dataset {data.Name} has {data.Features} bytes per image, but build {folder.Path} takes {folder.Manifest.InputBytes} input bytes per frame");
        return Enumerable.Range(0, data.Count).Select(i => data.Image(i).ToArray()).ToList();
    }

    private static NetlistCheck CheckNetlist(BuildFolder folder, string synthFolder, string dataset, IReadOnlyList<byte[]> frames, CancellationToken cancel)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var scratch = Directory.CreateTempSubdirectory("hwflow-netlist-check-");
        try
        {
            // Stalls on both streams, so the gates are checked under the handshakes a board will see.
            var options = new AxisBenchOptions(InputStallProbability: 0.2, OutputStallProbability: 0.3, Seed: 7);
            var results = ProgressDisplay.Run($"netlist check, {frames.Count} images", 1, progress =>
            {
                var r = PostSynthesisCheck.Simulate(folder, synthFolder, frames, options, scratch.FullName, cancel: cancel);
                progress.Report(1);
                return r;
            });
            var outcome = GoldenCheck.Compare(folder, frames, [.. results.Select(r => new System.Numerics.BigInteger(r.Value))]);
            return new NetlistCheck(dataset, frames.Count, outcome.Summary, outcome.Mismatches, Math.Round(watch.Elapsed.TotalSeconds, 2));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static void Print(Result result)
    {
        var r = result.Report;
        var shell = r.Shell is null ? "" : $" in the {r.Shell} shell";
        var kind = r.PlacedAndRouted ? "placed and routed" : "estimate from synthesis, no place and route";
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] on {r.Target} ({r.Device}){shell}: {kind}");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("resource", "cell", "used", "available", "use");
        foreach (var use in r.Resources)
        {
            table.AddRow(Markup.Escape(use.Name), Markup.Escape(use.Cell), N(use.Used, "0.#"),
                use.Available is { } a ? N(a, "0") : "-", use.Fraction is { } fraction ? Units.Percent(fraction) : "-");
        }
        AnsiConsole.Write(table);
        if (r.FmaxMhz is { } fmax)
        {
            AnsiConsole.MarkupLineInterpolated($"  Fmax        {N(fmax, "0.00")} MHz (target {N(r.ClockMhz, "0.###")} MHz, {(r.TimingMet == true ? "met" : "missed")})");
            AnsiConsole.MarkupLineInterpolated($"  frames/s    {N(r.FramesPerSecond ?? 0, "#,0")} at Fmax, {N(r.FramesPerSecondAtClock, "#,0")} at {N(r.ClockMhz, "0.###")} MHz ({r.CyclesPerFrame} cycles per frame)");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"  frames/s    {N(r.FramesPerSecondAtClock, "#,0")} at {N(r.ClockMhz, "0.###")} MHz ({r.CyclesPerFrame} cycles per frame; no Fmax without place and route)");
        }
        AnsiConsole.MarkupLineInterpolated($"  multipliers {r.MultiplierCells}");
        if (r.CriticalPath is { } path)
            AnsiConsole.MarkupLineInterpolated($"  critical    {N(path.DelayNs, "0.00")} ns from {path.From} to {path.To}");
        foreach (var note in r.Notes) AnsiConsole.MarkupLineInterpolated($"  [dim]{note}[/]");
        if (result.NetlistCheck is { } check)
        {
            var verdict = check.Mismatches == 0 ? "[green]" + Markup.Escape(check.Summary) + "[/]" : "[red]" + Markup.Escape(check.Summary) + "[/]";
            AnsiConsole.MarkupLine($"  netlist     {check.Images} {Markup.Escape(check.Dataset)} test images through the synthesized gates vs the golden kernel: {verdict} ({N(check.Seconds, "0.0")} s)");
        }
        var steps = string.Join(", ", result.Steps.Select(s => $"{s.Name} {N(s.Seconds, "0.0")} s"));
        AnsiConsole.MarkupLineInterpolated($"wrote {result.Bitstream ?? result.Folder} and synth.md ({N(result.FlowSeconds, "0.0")} s: {steps})");
    }

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
