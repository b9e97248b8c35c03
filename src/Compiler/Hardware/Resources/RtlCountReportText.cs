using System.Globalization;
using System.Text;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;

namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// report.md's section that puts the count of the generated RTL beside the folding's parametric
/// estimate, per part. In a `compile --device` build the folding table already shows the count
/// (<see cref="Build.CountedFoldingReport"/>), so the section keeps only what the table does not
/// say: the parametric estimate per row and the LUTs used as memory.
/// </summary>
public static class RtlCountReportText
{
    /// <param name="folding">The folding's parametric report.</param>
    /// <param name="countShown">Whether the folding table shows the count (a `--device` build).</param>
    public static string Markdown(IReadOnlyList<RtlPartCount> parts, FoldingReport folding, LogicFabric fabric, bool countShown = false)
    {
        if (countShown) return EstimateBesideCount(parts, folding);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## Resources counted from the RTL ({(fabric == LogicFabric.Lut6 ? "LUT6" : "LUT4")})\n\n");
        md.Append("The generated netlist itself, constants and unread bits swept, packed into LUTs beside carry chains and scaled per LUT class by bench/rtl-resource-fit.cs; beside the folding's parametric estimate. `hwflow synth` measures.\n\n");
        md.Append("| part | estimated LUT | RTL LUT | estimated FF | RTL FF | RTL block RAM bits |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var p in parts)
        {
            var layer = folding.Layers.FirstOrDefault(l => HardwareGenerator.LayerModule(l.Name) == p.Instance);
            var stage = folding.OtherStages.FirstOrDefault(s => s.Name == p.Instance);
            (long Luts, long Ffs)? estimate = layer is not null ? (layer.Luts, layer.Ffs) : stage is not null ? (stage.Luts, stage.Ffs) : null;
            string name = p.Instance.Length == 0 ? "top level" : layer?.Name ?? p.Instance;
            md.Append(CultureInfo.InvariantCulture,
                $"| {name} | {(estimate is { } e ? e.Luts.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {RtlResourceCoefficients.Luts(p, fabric):N0} | {(estimate is { } f ? f.Ffs.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {p.Ffs:N0} | {p.BlockRamBits:N0} |\n");
        }
        md.Append(CultureInfo.InvariantCulture, $"| total | {folding.Luts:N0} | {parts.Sum(p => RtlResourceCoefficients.Luts(p, fabric)):N0} | {folding.Ffs:N0} | {parts.Sum(p => p.Ffs):N0} | {parts.Sum(p => p.BlockRamBits):N0} |\n\n");
        if (parts.Sum(p => p.LutMemory) is > 0 and var memory)
            md.Append(CultureInfo.InvariantCulture, $"LUTs used as memory (shift registers and distributed RAM, beside the LUTs above; counted in the device check): {memory:N0}.\n\n");
        return md.ToString();
    }

    /// <summary>The parametric estimate of the counted folding table's rows (the input stage's its own, where the count puts it in the first layer's row).</summary>
    private static string EstimateBesideCount(IReadOnlyList<RtlPartCount> parts, FoldingReport folding)
    {
        var md = new StringBuilder();
        md.Append("## Parametric estimate, per part\n\n");
        md.Append("The folding table above holds the count of the generated RTL (constants and unread bits swept, packed into LUTs beside carry chains, scaled per LUT class by bench/rtl-resource-fit.cs), which decided the fit; the folding's parametric estimate (LUT4-fitted), which guided the search, was:\n\n");
        md.Append("| part | estimated LUT | estimated FF |\n|---|---:|---:|\n");
        foreach (var (name, luts, ffs) in folding.Layers.Select(l => (l.Name, l.Luts, l.Ffs)).Concat(folding.OtherStages.Select(s => (s.Name, s.Luts, s.Ffs))))
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {luts:N0} | {ffs:N0} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| total | {folding.Luts:N0} | {folding.Ffs:N0} |\n\n");
        if (parts.Sum(p => p.LutMemory) is > 0 and var memory)
            md.Append(CultureInfo.InvariantCulture, $"Of the counted LUTs, {memory:N0} are used as memory (shift registers and distributed RAM).\n\n");
        return md.ToString();
    }
}
