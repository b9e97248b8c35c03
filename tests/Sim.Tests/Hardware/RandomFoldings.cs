using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>A random legal folding for each layer.</summary>
public static class RandomFoldings
{
    public static FoldingPlan Create(IReadOnlyList<LayerShape> shapes, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var layers = new List<LayerFolding>();
        foreach (var s in shapes)
        {
            var pes = FoldingRules.LegalPes(s);
            var simds = FoldingRules.LegalSimds(s);
            layers.Add(new LayerFolding(s.Name, pes[rng.NextInt(pes.Count)], simds[rng.NextInt(simds.Count)]));
        }
        return new FoldingPlan(layers);
    }

}
