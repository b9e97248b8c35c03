using System.Globalization;
using System.Text;
using HwFlow.Compiler.Hardware.Folding;

namespace HwFlow.Compiler.Hardware.Build;

/// <summary>report.md: the folding, the timing and the integer widths of a build, for people.</summary>
public static class BuildReportText
{
    public static string Markdown(BuildReport r)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {r.Model}: HwFlow {r.HwflowVersion} build\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Predicted {r.CyclesPerFrame:N0} cycles per frame ({r.Folding.FramesPerSecond:N0} frames/s at {r.Folding.ClockMhz} MHz), ");
        md.Append(CultureInfo.InvariantCulture, $"latency {r.LatencyCycles:N0} cycles ({r.Folding.LatencyMicroseconds:F2} us).\n\n");
        md.Append("## Folding\n\n");
        md.Append(FoldingReportText.Markdown(r.Folding));
        if (r.DeviceFit is { } fit)
            md.Append(CultureInfo.InvariantCulture, $"\nDevice {fit.Device} (estimate): {fit.EstimatedLuts:N0} of {fit.LutBudget:N0} budgeted LUTs ({HwFlow.Compiler.Hardware.Devices.Device.LutShare:P0} of {fit.DeviceLuts:N0}), {fit.BlockRams} of {fit.DeviceBlockRams} block RAMs. `hwflow synth` measures both.\n");
        md.Append("\nPipeline depth per layer (cycles from issuing a beat to its result entering the output FIFO): ");
        md.Append(string.Join(", ", r.Folding.Layers.Select((l, i) => $"{l.Name} {r.PipelineLatencies[i]}")));
        md.Append(".\n\n## Integer graph\n\n");
        md.Append(CultureInfo.InvariantCulture, $"First-layer bits {r.Lowering.Options.FirstLayerBits}, coefficient bits {r.Lowering.Options.CoefBits}, activation bits {r.Lowering.Options.ActivationBits}; widest value {r.Lowering.MaxWidth} bits; constants {r.Lowering.ConstantBits:N0} bits.\n\n");
        md.Append("| value | op | type | range |\n|---|---|---|---|\n");
        foreach (var v in r.Lowering.Values)
            md.Append(CultureInfo.InvariantCulture, $"| %{v.Name} | {v.Op} | {v.Type} | {(v.Type.StartsWith("bits", StringComparison.Ordinal) ? "" : $"[{v.Min}, {v.Max}]")} |\n");
        return md.ToString();
    }
}
