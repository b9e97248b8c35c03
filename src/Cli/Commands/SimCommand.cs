using HwFlow.Runtime.IO;

namespace HwFlow.Cli.Commands;

/// <summary>`hwflow sim BUILD --dataset D --count N`: classify images on the C# cycle-accurate simulator of a build.</summary>
public static class SimCommand
{
    public static Command Create()
    {
        var build = new Argument<string>("BUILD") { Description = "Build folder written by hwflow compile" };
        var dataset = new DatasetOptions();
        var vcd = new Option<string?>("--vcd") { Description = "Write a value change dump (GTKWave) of the run to this file" };
        var signals = new Option<string[]>("--vcd-signals") { Description = "Glob patterns of signals to dump (default: all), e.g. 'm_axis_*' 'layer0.*'", AllowMultipleArgumentsPerToken = true };
        var lanes = LaneOption.Create();
        var report = new ReportOptions();
        var command = new Command("sim", "Run images through the C# cycle-accurate simulator of a build") { build, vcd, signals, lanes };
        dataset.AddTo(command);
        report.AddTo(command);
        CommandAction.Set(command, (parse, cancel) =>
        {
            var request = new SimulateRequest(parse.GetValue(build)!, dataset.Read(parse), parse.GetValue(vcd)) { VcdSignals = parse.GetValue(signals) ?? [], Lanes = parse.GetValue(lanes) };
            var output = report.Read(parse, request.Inputs);
            if (!output.Json) ConsoleWarmup.Start();
            var result = Steps.Simulate(request, ConsoleProgress.Instance, cancel);
            StartupLaps.Lap("sim: result ready");
            output.Report(result, Print);
            StartupLaps.Lap("sim: printed");
            return result.GoldenMismatches == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static void Print(SimulateResult r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Model}[/] ({r.Build}) on {r.Dataset}, C# cycle-accurate simulator");
        AnsiConsole.MarkupLineInterpolated($"  accuracy         {Units.Percent(r.Accuracy)}  ({r.Correct:N0} of {r.Count:N0})");
        AnsiConsole.MarkupLineInterpolated($"  cycles per frame {MeasuredCyclesPerFrame(r)}, {r.PredictedCyclesPerFrame} predicted");
        AnsiConsole.MarkupLineInterpolated($"  latency          {r.MaxLatencyCycles} cycles at most (last input byte to result)");
        AnsiConsole.MarkupLineInterpolated($"  golden kernel    {r.GoldenCheck}");
        string lanes = r.Lanes > 1 ? $" ({r.Lanes} streams at once in SIMD lanes)" : "";
        AnsiConsole.MarkupLineInterpolated($"  simulated        {r.SimulatedCycles:N0} cycles at {r.CyclesPerSecond / 1e6:F2} M cycles/s{lanes}");
        if (r.Vcd is not null) AnsiConsole.MarkupLineInterpolated($"  waveform         {r.Vcd}");
    }

    /// <summary>
    /// The interval between results needs two results from one stream; with one frame per stream
    /// (8 frames in 8 lanes) there is no interval to measure, and the line says so and how to get one.
    /// </summary>
    internal static string MeasuredCyclesPerFrame(SimulateResult r) => !double.IsNaN(r.CyclesPerFrame) ? $"{r.CyclesPerFrame:F1} measured"
        : r.Lanes > 1 ? $"not measured (one frame per stream in {r.Lanes} SIMD lanes; it takes 2 per stream: --count {2 * r.Lanes} or more, or --lanes 1)"
        : "not measured (it takes 2 frames or more)";
}
