using System.Diagnostics;
using System.Numerics;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Fpga;
using HwFlow.Fpga.Simulation;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Errors;

namespace HwFlow.Flow;

/// <param name="ClockMhz">Clock constraint (default: the build's clockMhz; the board's clock with a shell).</param>
/// <param name="CheckNetlist">Then simulate the synthesized gates on the first N test images of <see cref="CheckDataset"/> against the golden kernel (bare core; iCE40 or xc7 cell models).</param>
public sealed record SynthesizeRequest(string Build, FpgaTarget Target, double? ClockMhz = null, BoardShell? Shell = null, int? CheckNetlist = null) : IFlowRequest
{
    public string CheckDataset { get; init; } = "fashion-mnist";

    /// <summary>Minutes one tool may run (null: <see cref="SynthOptions.DefaultToolTimeout"/>).</summary>
    public double? ToolTimeoutMinutes { get; init; }

    public IReadOnlyList<string> Inputs => CheckNetlist is null ? [Build] : [Build, DatasetCatalog.SourcePath(CheckDataset)];
}

/// <summary>The synthesized netlist on test images against the golden kernel (--check-netlist).</summary>
public sealed record NetlistCheck(string Dataset, int Images, string Summary, int Mismatches, double Seconds);

/// <summary>The report (as in synth.json), where the files went, how long each tool took, and the netlist check.</summary>
public sealed record SynthesizeResult(SynthReport Report, string Folder, string? Bitstream, double FlowSeconds, IReadOnlyList<FlowStep> Steps,
    NetlistCheck? NetlistCheck = null)
{
    /// <summary>The flow finished and the gates, if checked, answered like the golden kernel.</summary>
    public bool Passed => NetlistCheck is not { Mismatches: > 0 };
}

/// <summary>`hwflow synth`: the FPGA flow on a build folder into BUILD/synth/TARGET[-SHELL], then optionally the gate-level check.</summary>
internal static class SynthesizeStep
{
    private const double MaxToolTimeoutMinutes = 7 * 24 * 60;

    public static SynthesizeResult Run(SynthesizeRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        if (request.ClockMhz is { } mhz) ClockMhz.Check(mhz);
        TimeSpan? toolTimeout = request.ToolTimeoutMinutes switch
        {
            null => null,
            > 0 and <= MaxToolTimeoutMinutes and var minutes => TimeSpan.FromMinutes(minutes),
            var minutes => throw new UserError($"--tool-timeout must be more than 0 and at most {MaxToolTimeoutMinutes} minutes (a week), got {minutes}"),
        };
        var folder = BuildFolder.Open(request.Build);
        // Refused before the flow runs: a user should not wait for place and route to learn this.
        IReadOnlyList<byte[]>? checkFrames = null;
        if (request.CheckNetlist is { } n)
        {
            if (n < 1) throw new UserError($"--check-netlist must be at least 1 image, got {n}");
            if (request.Shell is not null)
                throw new UserError("--check-netlist simulates the bare core's netlist: use it without --shell");
            checkFrames = DatasetFit.Frames(folder, new DatasetChoice(request.CheckDataset, DataSplit.Test, n).Load());
        }
        var outcome = progress.Track($"synth {request.Target.Name}", SynthFlow.StepCount(request.Target),
            report => new SynthFlow().Run(folder, new SynthOptions(request.Target, request.ClockMhz, request.Shell, toolTimeout), report, cancel));
        var bitstream = outcome.Report.Files.FirstOrDefault(file => file.EndsWith(".bin", StringComparison.Ordinal));
        var check = checkFrames is null ? null : CheckNetlistOf(folder, outcome.Folder, request.CheckDataset, checkFrames, toolTimeout, progress, cancel);
        return new SynthesizeResult(outcome.Report, outcome.Folder, bitstream is null ? null : Path.Combine(outcome.Folder, bitstream),
            Math.Round(outcome.Seconds, 2), outcome.Steps, check);
    }

    /// <summary>Where a gate-level simulation that crashed or stopped early leaves its output (its scratch folder is deleted): beside the synthesis folder; a later check that runs removes it if HwFlow wrote it (<see cref="HwFlow.Sim.Tools.FailureLog"/>).</summary>
    public static string CheckFailureLog(string synthFolder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(synthFolder)) + ".netlist-check.failed.log";

    private static NetlistCheck CheckNetlistOf(BuildFolder folder, string synthFolder, string dataset, IReadOnlyList<byte[]> frames, TimeSpan? toolTimeout,
        IFlowProgress progress, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        var scratch = Directory.CreateTempSubdirectory("hwflow-netlist-check-");
        try
        {
            // Stalls on both streams, so the gates are checked under the handshakes a board will see.
            // The gate-level Verilator run is one more tool: --tool-timeout bounds it like yosys and nextpnr.
            var options = new AxisBenchOptions(InputStallProbability: 0.2, OutputStallProbability: 0.3, Seed: 7, Timeout: toolTimeout);
            var results = progress.Track($"netlist check, {frames.Count} images", 1, report =>
            {
                try
                {
                    var r = PostSynthesisCheck.Simulate(folder, synthFolder, frames, options, scratch.FullName, cancel: cancel);
                    report.Report(1);
                    return r;
                }
                catch (HwFlow.Sim.Tools.ToolTimeoutError e)
                {
                    throw SynthOptions.AllowLonger(e, toolTimeout ?? SynthOptions.DefaultToolTimeout);
                }
                catch (SimulationFailedException e) when (e.Run is { } run)
                {
                    // The scratch folder goes; the simulator's output stays beside the synthesis folder.
                    string log = CheckFailureLog(synthFolder);
                    try { HwFlow.Sim.Tools.ToolFailure.WriteLog(run, log, []); }
                    catch (Exception written) when (written is IOException or UnauthorizedAccessException)
                    {
                        log = $"none, it could not be written to {log} ({written.Message})";
                    }
                    throw new SimulationFailedException($"--check-netlist: {e.Message}; log: {log}", run);
                }
            });
            HwFlow.Sim.Tools.FailureLog.DeleteIfOurs(CheckFailureLog(synthFolder)); // an earlier check's log no longer applies; a user's file of that name stays
            var outcome = GoldenCheck.Compare(folder, frames, [.. results.Select(r => r.Value)], cancel);
            return new NetlistCheck(dataset, frames.Count, outcome.Summary, outcome.Mismatches, Math.Round(watch.Elapsed.TotalSeconds, 2));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
