using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Tests.Hardware;

/// <summary>A random legal folding for each layer (the generator's own constraints, enumerated).</summary>
public static class RandomFoldings
{
    public static FoldingPlan Create(IReadOnlyList<LayerShape> shapes, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var layers = new List<Folding>();
        foreach (var s in shapes)
        {
            var pes = Divisors(s.Outputs).Where(pe => s.NextChunk == 0 || s.NextChunk % pe == 0 || pe % s.NextChunk == 0).ToList();
            var simds = Divisors(s.Inputs).Where(simd => s.Kind == LayerKind.Dense || s.Chunk % simd == 0 || simd % s.Chunk == 0).ToList();
            layers.Add(new Folding(s.Name, pes[rng.NextInt(pes.Count)], simds[rng.NextInt(simds.Count)]));
        }
        return new FoldingPlan(layers);
    }

    private static List<int> Divisors(int n) => Enumerable.Range(1, n).Where(d => n % d == 0).ToList();
}
