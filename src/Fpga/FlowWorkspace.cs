using HwFlow.Sim.Tools;
using HwFlow.Runtime.IO;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga;

/// <summary>How long one tool step of a flow took.</summary>
public sealed record FlowStep(string Name, double Seconds);

/// <summary>
/// Where a flow runs: every tool starts in the build folder (so the Verilog's `$readmemh` paths
/// resolve) and writes into the staged output folder, named by a path relative to the build
/// folder. Commands are recorded as they would read in the final folder, for synth.md.
/// </summary>
internal sealed class FlowWorkspace(BuildFolder build, StagedFolder output, TimeSpan toolTimeout, IProgress<int>? progress, CancellationToken cancel)
{
    private readonly List<string> _commands = [];
    private readonly List<FlowStep> _steps = [];

    public BuildFolder Build { get; } = build;

    public CancellationToken Cancel { get; } = cancel;

    /// <summary>The staging folder, relative to the build folder (what tools are told).</summary>
    public string Staging { get; } = Relative(build.Path, output.Path);

    /// <summary>The final output folder, relative to the build folder (what the record says).</summary>
    public string Final { get; } = Relative(build.Path, output.Target);

    public IReadOnlyList<string> Commands => _commands;

    public IReadOnlyList<FlowStep> Steps => _steps;

    /// <summary>A file of the output folder as tools name it (relative to the build folder).</summary>
    public string Out(string file) => Staging + "/" + file;

    /// <summary>A file of the output folder, full path, for reading and writing from here.</summary>
    public string OutPath(string file) => output.File(file);

    /// <summary>A text as it should read once the output folder is in place.</summary>
    public string AsFinal(string text) => text.Replace(Staging, Final, StringComparison.Ordinal);

    public ToolRun Run(ExternalTool tool, string step, IReadOnlyList<string> arguments)
    {
        Cancel.ThrowIfCancellationRequested();
        ToolRun run;
        try
        {
            run = tool.Run(arguments, Build.Path, toolTimeout, Cancel);
        }
        catch (ToolTimeoutError e)
        {
            throw SynthOptions.AllowLonger(e, toolTimeout);
        }
        _commands.Add(AsFinal(run.Command));
        _steps.Add(new FlowStep(step, Math.Round(run.Elapsed.TotalSeconds, 2)));
        progress?.Report(_steps.Count);
        return run;
    }

    /// <summary>
    /// Where a failed run's log goes: beside the output folder (which a failure never creates),
    /// <c>TARGET.failed.log</c>; a later successful run removes it.
    /// </summary>
    public string FailureLog { get; } = output.Target + ".failed.log";

    /// <summary>The one-line error for a failed tool run, its output and the tool logs kept in <see cref="FailureLog"/>.</summary>
    public Runtime.Errors.UserError Failure(string targetName, ExternalTool tool, ToolRun run, string failed = "failed") =>
        ToolFailure.Report($"{targetName}: ", tool, run, FailureLog,
            Directory.Exists(output.Path) ? Directory.EnumerateFiles(output.Path, "*.log").Order(StringComparer.Ordinal) : [], failed);

    private static string Relative(string from, string to) => Path.GetRelativePath(from, to).Replace('\\', '/');
}
