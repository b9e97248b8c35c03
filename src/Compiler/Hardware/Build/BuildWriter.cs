using System.Text.Json;
using System.Text.Json.Serialization;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Devices;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Hardware.Build;

/// <summary>What `hwflow compile` reports about a build (report.json; report.md renders the same). No timings: reports are byte-identical across runs.</summary>
public sealed record BuildReport(
    string Model,
    string HwflowVersion,
    IntegerGraphSummary Lowering,
    FoldingReport Folding,
    long CyclesPerFrame,
    long LatencyCycles,
    IReadOnlyList<int> PipelineLatencies)
{
    /// <summary>With `--device`: the estimate against the device's LUTs and block RAMs.</summary>
    public DeviceFit? DeviceFit { get; init; }
}

/// <summary>
/// Writes a complete build folder (the build-folder contract): hwflow-build.json, design.rtl,
/// rtl/*.v and rtl/*.hex, graph.ir, model/ (a canonical copy), folding.yaml (editable, for
/// --folding), report.md, report.json and the FuseSoC core hwflow.core.
/// </summary>
public static class BuildWriter
{
    public static string Version => HwFlowVersion.Text;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static BuildReport Write(string folder, ModelSpec model, Graph graph, HardwareDesign design, IntegerGraphSummary lowering, double clockMhz, DeviceFit? deviceFit = null)
    {
        var manifest = BuildFolder.Write(folder, design.Rtl, new BuildManifest
        {
            HwflowVersion = Version,
            Model = model.Name,
            InputBytes = design.Plan.InputBytes,
            InputWidth = design.Plan.InputWidth,
            InputFormat = design.Plan.InputFormat == InputFormat.Bits ? InputWire.Bits : InputWire.Bytes,
            InputThreshold = design.Plan.InputFormat == InputFormat.Bits ? InputStream.PixelThreshold(design.Plan) : null,
            OutputWidth = design.OutputWidth,
            CyclesPerFrame = design.CyclesPerFrame,
            LatencyCycles = design.LatencyCycles,
            ClockMhz = clockMhz,
            Fabric = design.Options.Fabric.Name(),
            Device = design.Options.Device,
        });
        File.WriteAllText(Path.Combine(folder, BuildFolder.GraphFile), GraphPrinter.Print(graph));
        Directory.CreateDirectory(Path.Combine(folder, "model"));
        ModelWriter.WriteInto(model, Path.Combine(folder, "model"));
        File.WriteAllText(Path.Combine(folder, "folding.yaml"), FoldingFile.Format(design.Folding));
        File.WriteAllText(Path.Combine(folder, FuseSocCore.FileName), FuseSocCore.Text(manifest));

        var folding = FoldingReport.Of(design.Shapes, design.Plan.InputBytes, design.Folding, clockMhz, inputWidth: design.Plan.InputWidth, adapted: design.Plan.AdaptsInput,
            pixelBits: design.Plan.InputFormat == InputFormat.Bits) with
        {
            LatencyCycles = design.LatencyCycles,
            LatencyMicroseconds = design.LatencyCycles / clockMhz,
            LatencyNote = "exact for a frame that meets an idle pipeline: input bytes, then per layer its cycles, its pipeline depth and one cycle through its output FIFO",
        };
        var counted = Resources.RtlResourceCount.Of(design.Rtl, design.Options.Fabric);
        // with --device the count chose and fitted the design, so the folding table shows the count; the parametric estimate stays in the count's section
        var shown = deviceFit is null ? folding : CountedFoldingReport.Of(folding, design.Rtl, counted, design.Options.Fabric);
        var report = new BuildReport(model.Name, Version, lowering, shown, design.CyclesPerFrame, design.LatencyCycles, design.PipelineLatencies) { DeviceFit = deviceFit };
        File.WriteAllText(Path.Combine(folder, ReportJson), JsonSerializer.Serialize(report, Json) + "\n");
        File.WriteAllText(Path.Combine(folder, ReportMarkdown), BuildReportText.Markdown(report, Resources.RtlCountReportText.Markdown(counted, folding, design.Options.Fabric, countShown: deviceFit is not null)));
        return report;
    }

    public const string ReportJson = "report.json";

    public const string ReportMarkdown = "report.md";

    /// <summary>What `hwflow compile --ir-only` writes: graph.ir and the integer graph's report, in the build report's formats.</summary>
    public static void WriteIntegerGraph(string folder, Graph graph, IntegerGraphSummary lowering)
    {
        File.WriteAllText(Path.Combine(folder, BuildFolder.GraphFile), GraphPrinter.Print(graph));
        File.WriteAllText(Path.Combine(folder, ReportJson), JsonSerializer.Serialize(lowering, Json) + "\n");
        File.WriteAllText(Path.Combine(folder, ReportMarkdown), BuildReportText.Markdown(lowering));
    }
}
