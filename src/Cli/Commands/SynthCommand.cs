using System.Globalization;
using HwFlow.Fpga;

namespace HwFlow.Cli.Commands;

/// <summary>
/// `hwflow synth BUILD --target T`: an iCE40 bitstream with area, Fmax and frames/s, or a
/// 7-series estimate with a Vivado script; fails when the design multiplies, does not fit, or
/// misses its clock.
/// </summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var target = new Option<string>("--target")
        {
            Description = "ice40-up5k or ice40-hx8k (bitstream), or xc7 (synthesis estimate and a Vivado script)",
            Required = true,
        };
        target.AcceptOnlyFromAmong([.. FpgaTarget.All.Select(t => t.Name)]);
        var clock = ClockOption.Optional("Clock constraint in MHz (default: the build's clockMhz; the board's clock with --shell)");
        var shell = new Option<string?>("--shell")
        {
            Description = "Put the core in a board shell: icebreaker (UART in and out, iCEBreaker pins, 12 MHz; needs --target ice40-up5k)",
        };
        shell.AcceptOnlyFromAmong([.. BoardShell.All.Select(s => s.Name)]);
        var checkNetlist = new Option<int?>("--check-netlist")
        {
            Description = "Then simulate the synthesized netlist (yosys's iCE40 or 7-series cell models, built with Verilator) on the first N test images, under random stalls, and compare every class with the golden kernel (no --shell)",
        };
        var checkDataset = new Option<string>("--check-dataset")
        {
            Description = "Images for --check-netlist: " + DatasetOptions.DatasetDescription,
            DefaultValueFactory = _ => "fashion-mnist",
        };
        var toolTimeout = new Option<double>("--tool-timeout")
        {
            Description = "Minutes one tool (yosys, nextpnr, the --check-netlist Verilator run) may run before it is stopped; xc7 synthesis of a large conv net can need more",
            DefaultValueFactory = _ => SynthOptions.DefaultToolTimeout.TotalMinutes,
        };
        var report = new ReportOptions();
        var command = new Command("synth", "Synthesize a build for an FPGA: bitstream, LUTs, block RAM, Fmax and frames/s, and the multiply-free check")
        {
            build, target, clock, shell, checkNetlist, checkDataset, toolTimeout,
        };
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var fpga = FpgaTarget.Parse(parse.GetValue(target)!);
            var board = parse.GetValue(shell) is { } name ? BoardShell.Parse(name, fpga) : null;
            var request = new SynthesizeRequest(parse.GetValue(build)!, fpga, parse.GetValue(clock), board, parse.GetValue(checkNetlist))
            {
                CheckDataset = parse.GetValue(checkDataset)!,
                ToolTimeoutMinutes = parse.GetValue(toolTimeout),
            };
            var output = report.Read(parse, request.Inputs);
            var result = Steps.Synthesize(request, ConsoleProgress.Instance, cancel);
            output.Report(result, Print);
            return result.Passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static void Print(SynthesizeResult result)
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
