using System.Globalization;
using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Resources;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Build;

/// <summary>
/// The folding report of a `compile --device` build with its resources counted from the generated
/// RTL, as the device fit counts them, instead of the folding's parametric estimate: the count
/// decides the fit (and, on 7 series, each layer's folding, <see cref="Devices.CountedLayerChoice"/>),
/// and the parametric model, fitted to LUT4 cells, can be far off on LUT6 (TFC_1W1A bit input on
/// the xc7a100t: 40,365 LUTs by the model, 4,102 counted, 4,475 in synth_xilinx). A layer's row
/// holds its top-level instances (module, window, pool) as the counted choice prices them; the
/// other instances (argmax or scores, input width adapter, the top level's own logic) get rows of
/// their own. The input stage's logic is in the first layer's instance, so its row keeps only its cycles.
/// </summary>
public static class CountedFoldingReport
{
    public static FoldingReport Of(FoldingReport parametric, RtlDesign rtl, IReadOnlyList<RtlPartCount> parts, LogicFabric fabric)
    {
        var modules = rtl.Modules.First(m => m.Name == rtl.Top).Instances.ToDictionary(i => i.Name, i => i.Module, StringComparer.Ordinal);
        int Blocks(string instance) => modules.TryGetValue(instance, out var module) ? BlockRamUse.Under(rtl, module, fabric) : 0;
        double Luts(RtlPartCount p) => RtlResourceCoefficients.Luts(p, fabric) + p.LutMemory;

        var inLayer = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<(double Luts, long Ffs, long Bits, int Blocks)>();
        foreach (var layer in parametric.Layers)
        {
            var instances = HardwareGenerator.LayerInstances(layer.Name);
            inLayer.UnionWith(instances);
            var mine = parts.Where(p => instances.Contains(p.Instance)).ToList();
            rows.Add((mine.Sum(Luts), mine.Sum(p => (long)p.Ffs), mine.Sum(p => p.BlockRamBits), instances.Sum(Blocks)));
        }
        var others = parts.Where(p => !inLayer.Contains(p.Instance)).ToList();
        int totalBlocks = BlockRamUse.Of(rtl, fabric);
        var stageBlocks = others.Select(p => p.Instance.Length == 0 ? totalBlocks - rows.Sum(r => r.Blocks) - others.Where(o => o.Instance.Length > 0).Sum(o => Blocks(o.Instance)) : Blocks(p.Instance)).ToList();
        // the top level's own logic is glue; a row for it only when it holds something
        var shown = others.Select((p, i) => (Part: p, Blocks: stageBlocks[i]))
            .Where(o => o.Part.Instance.Length > 0 || Luts(o.Part) > 0 || o.Part.Ffs > 0 || o.Part.BlockRamBits > 0 || o.Blocks > 0).ToList();
        rows.AddRange(shown.Select(o => (Luts(o.Part), (long)o.Part.Ffs, o.Part.BlockRamBits, o.Blocks)));

        // rounded so that the rows add up to the total the device fit states (each row within one LUT of its count)
        long total = (long)Math.Ceiling(parts.Sum(Luts));
        var rounded = new long[rows.Count];
        double running = 0;
        long given = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            running += rows[i].Luts;
            long upTo = i == rows.Count - 1 ? total : Math.Min(total, (long)Math.Round(running, MidpointRounding.AwayFromZero));
            rounded[i] = upTo - given;
            given = upTo;
        }

        var layers = parametric.Layers.Select((l, i) => l with { Luts = rounded[i], Ffs = rows[i].Ffs, BramBits = rows[i].Bits, BlockRams = rows[i].Blocks }).ToList();
        var input = parametric.OtherStages[0];
        var lastCycles = parametric.Layers[^1].Cycles;
        var stages = new List<FoldingReportStage> { input with { Luts = 0, Ffs = 0, BramBits = 0, InAnotherRow = true } };
        stages.AddRange(shown.Select((o, j) =>
        {
            int i = parametric.Layers.Count + j;
            string name = o.Part.Instance.Length == 0 ? "top level" : o.Part.Instance;
            // the argmax (or scores unit) takes the last layer's beats; an input width adapter the input's
            long cycles = o.Part.Instance is "argmax" or "scores" ? lastCycles : o.Part.Instance.Length == 0 ? 0 : input.Cycles;
            return new FoldingReportStage(name, cycles, rounded[i], rows[i].Ffs, rows[i].Bits) { BlockRams = rows[i].Blocks };
        }));
        return parametric with
        {
            Layers = layers,
            OtherStages = stages,
            Luts = total,
            Ffs = rows.Sum(r => r.Ffs),
            BramBits = rows.Sum(r => r.Bits),
            BlockRams = totalBlocks,
            Counted = fabric == LogicFabric.Lut6 ? "LUT6" : "LUT4",
            ParametricLuts = parametric.Luts,
            ResourceNote = (fabric == LogicFabric.Lut6
                ? "counted from the generated RTL as `--device` counts it (LUT6 with the LUTs used as memory, scaled per LUT class against yosys synth_xilinx)"
                : "counted from the generated RTL as `--device` counts it (LUT4, scaled per LUT class against yosys synth_ice40)")
                + string.Create(CultureInfo.InvariantCulture, $"; the input stage's logic is in {parametric.Layers[0].Name}'s row; the folding's parametric estimate (LUT4-fitted), which only guided the search, is {parametric.Luts:N0} LUTs; not synthesis results"),
        };
    }
}
