using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Tests.Support;

/// <summary>Many small designs under one top, so one Verilator build (tens of seconds) covers them all.</summary>
public static class Bundles
{
    /// <summary>The op zoo at widths 1, 7, 33, 65 and 127.</summary>
    public static RtlDesign Zoo() =>
        Bundle("zoo_bundle", [.. OpZoo.Widths.Select(w => new RtlDesign([OpZoo.Build(w, $"zoo{w}")], $"zoo{w}"))]);

    public static RtlDesign Random(IEnumerable<ulong> seeds) =>
        Bundle("random_bundle", [.. seeds.Select((seed, i) => RandomDesigns.Build(seed, $"r{i}_"))]);

    private static RtlDesign Bundle(string name, IReadOnlyList<RtlDesign> parts)
    {
        var m = new ModuleBuilder(name);
        for (int i = 0; i < parts.Count; i++)
        {
            var top = parts[i].TopModule;
            var inputs = top.Inputs.Where(p => p.Name is not (RtlModule.Clock or RtlModule.ResetPort))
                .ToDictionary(p => p.Name, p => m.Input($"u{i}_{p.Name}", p.Width));
            var connections = m.Instantiate(top, $"u{i}", inputs);
            foreach (var output in top.Outputs) m.Assign(m.Output($"q{i}_{output.Name}", output.Width), connections[output.Name]);
        }
        return new RtlDesign([.. parts.SelectMany(p => p.Modules), m.Build()], name);
    }
}
