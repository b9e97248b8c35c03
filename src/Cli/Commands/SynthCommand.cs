using System.CommandLine;
using System.Globalization;
using HwFlow.Cli.Infrastructure;
using HwFlow.Compiler.Fpga;
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
    public sealed record Result(SynthReport Report, string Folder, string? Bitstream, double FlowSeconds, IReadOnlyList<FlowStep> Steps);

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
        var json = Output.JsonOption();
        var command = new Command("synth", "Synthesize a build for an FPGA: bitstream, LUTs, block RAM, Fmax and frames/s, and the multiply-free check")
        {
            build, target, clock, shell, json,
        };
        CommandAction.Set(command, (parse, cancel) =>
        {
            var fpga = FpgaTarget.Parse(parse.GetValue(target)!);
            var board = parse.GetValue(shell) is { } name ? BoardShell.Parse(name, fpga) : null;
            var mhz = parse.GetValue(clock);
            if (mhz is { } f && !(f > 0 && f < 10_000))
                throw new UserError($"--clock-mhz: expected a frequency in MHz above 0 and below 10000, not {f.ToString(CultureInfo.InvariantCulture)}");
            var folder = BuildFolder.Open(parse.GetValue(build)!);
            var outcome = ProgressDisplay.Run($"synth {fpga.Name}", SynthFlow.StepCount(fpga),
                progress => new SynthFlow().Run(folder, new SynthOptions(fpga, mhz, board), progress, cancel));
            var bitstream = outcome.Report.Files.FirstOrDefault(file => file.EndsWith(".bin", StringComparison.Ordinal));
            var result = new Result(outcome.Report, outcome.Folder, bitstream is null ? null : Path.Combine(outcome.Folder, bitstream),
                Math.Round(outcome.Seconds, 2), outcome.Steps);
            Output.From(parse, json).Report(result, Print);
            return ExitCodes.Success;
        });
        return command;
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
        var steps = string.Join(", ", result.Steps.Select(s => $"{s.Name} {N(s.Seconds, "0.0")} s"));
        AnsiConsole.MarkupLineInterpolated($"wrote {result.Bitstream ?? result.Folder} and synth.md ({N(result.FlowSeconds, "0.0")} s: {steps})");
    }

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
