using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga;

/// <summary>What `hwflow synth` asked for: the device, the clock (default: the manifest's, or the board's), an optional board shell,
/// and how long one tool (yosys, nextpnr) may run before it is stopped (default <see cref="DefaultToolTimeout"/>).</summary>
public sealed record SynthOptions(FpgaTarget Target, double? ClockMhz = null, BoardShell? Shell = null, TimeSpan? ToolTimeout = null)
{
    public static readonly TimeSpan DefaultToolTimeout = Sim.Tools.ExternalTool.DefaultTimeout;

    /// <summary><paramref name="timedOut"/> with how to allow more: large designs legitimately take longer (xc7 synthesis of a conv net).</summary>
    public static UserError AllowLonger(Sim.Tools.ToolTimeoutError timedOut, TimeSpan limit) =>
        new($"{timedOut.Message}; allow it longer with --tool-timeout MINUTES (now {limit.TotalMinutes:0.##})", timedOut);
}

/// <summary>A finished synth run: the report, where its files are, and how long each tool took.</summary>
public sealed record SynthOutcome(SynthReport Report, string Folder, IReadOnlyList<FlowStep> Steps)
{
    public double Seconds => Steps.Sum(s => s.Seconds);
}

/// <summary>
/// `hwflow synth`: runs a target's flow on a build folder and writes everything into
/// BUILD/synth/TARGET[-SHELL]/ (the bitstream or the Vivado script, the netlist, logs,
/// synth.json and synth.md). The folder appears complete or not at all; a rerun replaces it.
/// </summary>
public sealed class SynthFlow(FpgaTools tools)
{
    public SynthFlow() : this(FpgaTools.Default) { }

    /// <summary>Tool steps a target's flow runs (for progress bars).</summary>
    public static int StepCount(FpgaTarget target) => target.Family == FpgaFamily.Ice40 ? 3 : 1;

    public static string OutputFolder(BuildFolder build, SynthOptions options) =>
        Path.Combine(build.Path, "synth", options.Shell is null ? options.Target.Name : $"{options.Target.Name}-{options.Shell.Name}");

    public SynthOutcome Run(BuildFolder build, SynthOptions options, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        foreach (var tool in tools.For(options.Target)) tool.EnsureUsable();
        if (options.Shell is { } shell && shell.Target != options.Target)
            throw new UserError($"--shell {shell.Name} needs --target {shell.Target.Name}, not {options.Target.Name}");
        var clockMhz = ClockMhz.Check(options.ClockMhz ?? options.Shell?.ClockMhz ?? build.Manifest.ClockMhz);

        var folder = OutputFolder(build, options);
        // The synth folder inside the build is HwFlow's own place: a rerun replaces it (if HwFlow wrote it).
        using var staged = StagedFolder.Begin(Runtime.IO.OutputFolder.Default(folder), $"synth --target {options.Target.Name}", [build.Path]);
        var work = new FlowWorkspace(build, staged, options.ToolTimeout ?? SynthOptions.DefaultToolTimeout, progress, cancel);
        var report = options.Target.Family switch
        {
            FpgaFamily.Ice40 => new Ice40Flow(tools, work, options.Target, clockMhz, options.Shell).Run(),
            _ => new Xc7Estimate(tools, work, options.Target, clockMhz).Run(),
        };
        var files = Directory.EnumerateFiles(staged.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(staged.Path, f).Replace('\\', '/'))
            .Concat([SynthReportWriter.JsonFile, SynthReportWriter.MarkdownFile])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        report = report with { Files = files };
        File.WriteAllText(staged.File(SynthReportWriter.JsonFile), SynthReportWriter.Json(report));
        File.WriteAllText(staged.File(SynthReportWriter.MarkdownFile), SynthReportWriter.Markdown(report));
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        Sim.Tools.FailureLog.DeleteIfOurs(work.FailureLog); // the last run succeeded: an older failure's log no longer applies (a user's file of that name stays)
        return new SynthOutcome(report, folder, work.Steps);
    }
}
