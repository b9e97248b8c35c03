using System.Globalization;
using System.Text;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Build;

/// <summary>report.md: the folding, the timing and the integer widths of a build (or, with --ir-only, the integer graph alone), for people.</summary>
public static class BuildReportText
{
    public static string Markdown(BuildReport r, string? rtlCount = null)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {r.Model}: HwFlow {r.HwflowVersion} build\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Predicted {r.CyclesPerFrame:N0} cycles per frame ({r.Folding.FramesPerSecond:N0} frames/s at {r.Folding.ClockMhz} MHz), ");
        md.Append(CultureInfo.InvariantCulture, $"latency {r.LatencyCycles:N0} cycles ({r.Folding.LatencyMicroseconds:F2} us).\n\n");
        md.Append("## Folding\n\n");
        md.Append(FoldingReportText.Markdown(r.Folding));
        if (r.DeviceFit is { } fit)
            md.Append(CultureInfo.InvariantCulture, $"\nDevice {fit.Device} (counted from the RTL): {fit.EstimatedLuts:N0} of {fit.LutBudget:N0} budgeted LUTs ({HwFlow.Compiler.Hardware.Devices.Device.LutShare:P0} of {fit.DeviceLuts:N0}), {(fit.EstimatedCells is { } cells ? $"{cells:N0} of {fit.CellBudget:N0} budgeted logic cells, " : "")}{fit.BlockRams} of {fit.DeviceBlockRams} block RAMs. `hwflow synth` measures both.\n");
        md.Append("\nPipeline depth per layer (cycles from issuing a beat to its result entering the output FIFO): ");
        md.Append(string.Join(", ", r.Folding.Layers.Select((l, i) => $"{l.Name} {r.PipelineLatencies[i]}")));
        md.Append(".\n\n");
        md.Append(rtlCount);
        md.Append("## Integer graph\n\n");
        md.Append(IntegerGraph(r.Lowering));
        return md.ToString();
    }

    /// <summary>The report of `hwflow compile --ir-only`: the integer graph section alone.</summary>
    public static string Markdown(IntegerGraphSummary lowering) =>
        $"# {lowering.Model}: HwFlow {BuildWriter.Version} integer graph\n\n" + IntegerGraph(lowering);

    private static string IntegerGraph(IntegerGraphSummary s)
    {
        var md = new StringBuilder();
        var scales = s.Options.Scales?.ToString().ToLowerInvariant() ?? "from the model";
        md.Append(CultureInfo.InvariantCulture, $"First-layer bits {s.Options.FirstLayerBits}, coefficient bits {s.Options.CoefBits}, activation bits {s.Options.ActivationBits}, scales {scales}; widest value {s.MaxWidth} bits; constants {s.ConstantBits:N0} bits.\n\n");
        md.Append("| value | op | type | range | scale |\n|---|---|---|---|---|\n");
        foreach (var v in s.Values)
        {
            bool integer = !v.Type.StartsWith("bits", StringComparison.Ordinal) && !v.Type.StartsWith("real", StringComparison.Ordinal);
            var range = integer ? $"[{v.Min}, {v.Max}]" : "";
            var scale = v.Width > 1 || v.Op == Ops.Input ? v.Scale.ToString("G6", CultureInfo.InvariantCulture) : "";
            md.Append(CultureInfo.InvariantCulture, $"| %{v.Name} | {v.Op} | {v.Type} | {range} | {scale} |\n");
        }
        return md.ToString();
    }
}
