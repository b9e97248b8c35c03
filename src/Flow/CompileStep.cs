using System.Diagnostics;
using HwFlow.Compiler.Hardware;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Compiler.Passes;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Model;

namespace HwFlow.Flow;

/// <summary>
/// `hwflow compile`: a model into a build folder. The folding comes from <see cref="FoldingFile"/>,
/// or the optimizer meets <see cref="TargetFps"/> at <see cref="ClockMhz"/> with the fewest LUTs,
/// or fits <see cref="MaxLuts"/>, or (none given) is the fastest the input stream allows.
/// With <see cref="Device"/> the LUT budget is the device's and the design is generated for its
/// logic cell; the pace slows until the block RAMs fit too.
/// </summary>
public sealed record CompileRequest(string Model, OutputFolder Output) : IFlowRequest
{
    public CompileOptions Lowering { get; init; } = new();

    /// <summary>Also write the graph after every pass into ir-dump/.</summary>
    public bool DumpIrAfterEach { get; init; }

    public double ClockMhz { get; init; } = 100;
    public double? TargetFps { get; init; }
    public long? MaxLuts { get; init; }
    public string? FoldingFile { get; init; }

    /// <summary>A device name from <see cref="Compiler.Hardware.Devices.Device.All"/>, or null.</summary>
    public string? Device { get; init; }

    /// <summary>`--input-width BITS` of s_axis_tdata, or null: 8 bits, or with <see cref="Device"/> the width the device folding picks.</summary>
    public int? InputWidth { get; init; }

    /// <summary>`--input-format bytes|bits` (null: bytes); see <see cref="InputStream.AsBits"/>.</summary>
    public string? InputFormat { get; init; }

    /// <summary>Whether the input travels as a bit per pixel; any other word than bytes or bits is a user error.</summary>
    public bool BitsPerPixel() => InputFormat switch
    {
        null or InputWire.Bytes => false,
        InputWire.Bits => true,
        _ => throw new UserError($"--input-format {InputFormat}: expected bytes or bits"),
    };

    public Device? Target() => Device is null ? null : Compiler.Hardware.Devices.Device.Parse(Device);

    public IReadOnlyList<string> Inputs => FoldingFile is null ? [ModelLoader.FolderOf(Model)] : [ModelLoader.FolderOf(Model), FoldingFile];

    /// <summary>The optimizer's goal, or null when the folding file decides; refuses goals that contradict each other.</summary>
    public FoldingGoal? Goal()
    {
        Compiler.Hardware.ClockMhz.Check(ClockMhz);
        if (TargetFps is not null && MaxLuts is not null) throw new UserError("--target-fps and --max-luts cannot be combined: give one goal");
        if (Device is not null && MaxLuts is not null) throw new UserError("--device sets the LUT budget itself: drop --max-luts");
        if (FoldingFile is not null && (TargetFps is not null || MaxLuts is not null))
            throw new UserError("--folding fixes PE and SIMD itself: drop --target-fps / --max-luts");
        if (FoldingFile is not null) return null;
        if (TargetFps is { } fps) return new FoldingGoal.TargetFps(fps, ClockMhz);
        if ((MaxLuts ?? Target()?.LutBudget) is { } luts) return new FoldingGoal.MaxLuts(luts);
        return new FoldingGoal.Fastest();
    }
}

/// <summary>A build folder written: its report, where it is and what it holds.</summary>
public sealed record CompileResult(string Folder, BuildReport Report, double Seconds, IReadOnlyList<string> Files);

/// <summary>The integer graph alone (--ir-only): its summary, where it is and what it holds.</summary>
public sealed record LowerResult(string Folder, IntegerGraphSummary Lowering, double Seconds, IReadOnlyList<string> Files);

internal static class CompileStep
{
    private const int Stages = 5;

    public static LowerResult Lower(CompileRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        var spec = ModelLoader.Load(request.Model);
        request.Goal();
        using var staged = StagedFolder.Begin(request.Output, "compile --ir-only", request.Inputs);
        var files = new List<string>();
        var summary = progress.Track("compile --ir-only", 2, report =>
        {
            var graph = IntegerLowering.Lower(spec, request.Lowering, new PassWatcher(request.DumpIrAfterEach ? staged.File(DumpFolder) : null, files, cancel));
            report.Report(1);
            var summary = IntegerGraphSummary.Of(graph, request.Lowering);
            BuildWriter.WriteIntegerGraph(staged.Path, graph, summary);
            report.Report(2);
            return summary;
        });
        files.InsertRange(0, [BuildFolder.GraphFile, BuildWriter.ReportMarkdown, BuildWriter.ReportJson]);
        cancel.ThrowIfCancellationRequested();
        staged.Commit();
        return new LowerResult(staged.Target, summary, watch.Elapsed.TotalSeconds, files);
    }

    /// <summary>
    /// The device search generates and counts designs until one fits, which can take minutes (the
    /// HBNN MLPs on 7 series): it says how far it is as the compile bar's status (a terminal shows
    /// the count as it goes, a log a line every 10 s); a sink without status gets a note every 10 s.
    /// </summary>
    private static Action<int> SearchStatus(string device, IProgress<int> step, IFlowProgress progress)
    {
        var watch = Stopwatch.StartNew();
        string Text(int designs) => $"compile --device {device}: {designs} designs generated and counted so far ({watch.Elapsed.TotalSeconds:F0} s)";
        if (step is IStatusProgress status) return designs => status.Status(Text(designs));
        double next = IStatusProgress.LogSeconds;
        var gate = new Lock();
        return designs =>
        {
            lock (gate)
            {
                if (watch.Elapsed.TotalSeconds < next) return;
                next = watch.Elapsed.TotalSeconds + IStatusProgress.LogSeconds;
                progress.Note(Text(designs));
            }
        };
    }

    public static CompileResult Compile(CompileRequest request, IFlowProgress progress, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        var spec = ModelLoader.Load(request.Model);
        var goal = request.Goal();
        bool bitsPerPixel = request.BitsPerPixel(); // checked before the output folder is begun
        var device = request.Target();
        var hardware = new HardwareOptions { Fabric = device?.Fabric ?? HardwareOptions.Default.Fabric, Device = device?.Name };
        using var staged = StagedFolder.Begin(request.Output, "compile", request.Inputs);
        var files = new List<string>();
        var report = progress.Track("compile", Stages, step =>
        {
            var graph = IntegerLowering.Lower(spec, request.Lowering, new PassWatcher(request.DumpIrAfterEach ? staged.File(DumpFolder) : null, files, cancel));
            var summary = IntegerGraphSummary.Of(graph, request.Lowering);
            step.Report(1);
            var stages = StagePlanner.Plan(graph);
            if (bitsPerPixel) stages = InputStream.AsBits(stages);
            if (request.InputWidth is { } width) stages = InputStream.Widen(stages, width);
            var shapes = StagePlanner.Shapes(stages);
            cancel.ThrowIfCancellationRequested();
            step.Report(2);
            HardwareDesign design;
            DeviceFit? fit = null;
            if (device is not null && goal is not null) (design, fit) = DeviceFolding.Fold(device, stages, goal, widthGiven: request.InputWidth is not null, progress: SearchStatus(device.Name, step, progress), cancel: cancel);
            else
            {
                var plan = goal is null ? FoldingFile.Load(request.FoldingFile!, shapes) : FoldingOptimizer.Optimize(shapes, stages.InputCycles, goal, bytesPerBeat: stages.InputBytesPerCycle);
                cancel.ThrowIfCancellationRequested();
                design = HardwareGenerator.Generate(stages, plan, hardware);
                if (device is not null) fit = DeviceFit.Check(device, design);
            }
            step.Report(3);
            cancel.ThrowIfCancellationRequested();
            step.Report(4);
            var written = BuildWriter.Write(staged.Path, spec, graph, design, summary, request.ClockMhz, fit);
            step.Report(5);
            return written;
        });
        cancel.ThrowIfCancellationRequested();
        files.InsertRange(0, Directory.GetFiles(staged.Path).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        staged.Commit();
        return new CompileResult(staged.Target, report, watch.Elapsed.TotalSeconds, files);
    }

    private const string DumpFolder = "ir-dump";

    /// <summary>Stops lowering between passes on Ctrl-C, and with --dump-ir-after-each writes the graph after each pass as ir-dump/NN-pass-name.ir.</summary>
    private sealed class PassWatcher(string? dumpFolder, List<string> files, CancellationToken cancel) : IPassObserver
    {
        private int _count;

        public void PassRan(Pass pass, bool changed, Graph before, Graph after, IReadOnlyList<Correspondence> correspondences)
        {
            cancel.ThrowIfCancellationRequested();
            if (dumpFolder is null) return;
            Directory.CreateDirectory(dumpFolder);
            var name = $"{++_count:00}-{pass.Name}.ir";
            File.WriteAllText(Path.Combine(dumpFolder, name), GraphPrinter.Print(after));
            files.Add($"{DumpFolder}/{name}");
        }
    }
}
