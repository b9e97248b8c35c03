using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Estimates;

/// <summary>
/// A first estimate of a Walsh-Hadamard transform folded by stage, before its generator exists
/// (issue 16, phase 2 replaces it with the generator's own resource-model entry and yosys counts):
/// P butterflies (an adder and a subtractor each) run every stage in turn, reading and writing
/// 2P values per cycle from ping-pong stage buffers, so a frame takes stages * n / (2P) cycles.
/// The unit is as wide as the last stage (each stage adds one bit); the outputs are compared with
/// the BatchNorm thresholds as they leave. Counted in the units of <see cref="ResourceCosts"/>.
/// </summary>
public static class TransformCost
{
    /// <summary>Cycles per frame with <paramref name="butterflies"/> butterflies per cycle.</summary>
    public static long Cycles(int size, int butterflies) => (long)BitWidth.CeilLog2(size) * size / (2 * butterflies);

    /// <summary>The fewest butterflies (a power of two, at most n/2) whose cycles fit <paramref name="cycleBudget"/>; n/2 when none does.</summary>
    public static int ButterfliesFor(int size, long cycleBudget)
    {
        int p = 1;
        while (p < size / 2 && Cycles(size, p) > cycleBudget) p *= 2;
        return p;
    }

    /// <summary>Every transform of the front as its own unit (each meets the interval on its own), and each diagonal between them.</summary>
    public static StageResources Of(string name, TransformSurrogate.Front front, int butterflies, ResourceCosts costs)
    {
        var terms = new List<ResourceTerm>();
        foreach (var transform in front.Transforms()) terms.AddRange(Transform(front.Size, transform[^1].Type.Width, butterflies, costs));
        foreach (var diagonal in front.Diagonals) terms.Add(Diagonal(diagonal, butterflies));
        terms.AddRange(Thresholds(front.Size, front.Last.Type.Width, butterflies));
        return StageResources.Of(name, terms, costs);
    }

    /// <summary>
    /// A diagonal applied to the 2P values leaving a transform: powers of two are a shift per lane
    /// (a barrel shifter over the exponents' spread), other constants a shift-add product.
    /// </summary>
    private static ResourceTerm Diagonal(Runtime.Graph.Node scale, int butterflies)
    {
        var mul = scale.IntTensor("mul").Data;
        int lanes = 2 * butterflies, width = scale.Type.Width;
        bool shifts = mul.All(m => m == 0 || System.Numerics.BitOperations.IsPow2(Math.Abs(m)));
        if (shifts)
        {
            int spread = BitWidth.ToHold(mul.Max(m => Math.Abs(m)));
            return new("diagonal (shifts)") { MuxBits = (double)lanes * width * BitWidth.CeilLog2(spread + 1), Ffs = (long)lanes * width };
        }
        int coefficientBits = BitWidth.ToHold(mul.Min(), mul.Max());
        return new("diagonal (constant products)") { PartialProductBits = (double)lanes * width * coefficientBits, Ffs = (long)lanes * width };
    }

    private static IEnumerable<ResourceTerm> Transform(int size, int width, int butterflies, ResourceCosts costs)
    {
        int lanes = 2 * butterflies;
        int stages = BitWidth.CeilLog2(size);
        int counterBits = BitWidth.ToIndex(stages) + BitWidth.ToIndex(Math.Max(1, size / lanes));
        // one adder and one subtractor per butterfly, as wide as the last stage
        yield return new("butterflies") { CarryAdderBits = (double)lanes * width, Ffs = (long)lanes * width };
        // each lane picks its operand among the log2(2P) in-word pairings and the pairing across words
        yield return new("operand routing") { MuxBits = (double)lanes * width * Math.Max(1, BitWidth.CeilLog2(lanes)) };
        // the values take their sign flip on the way into the first buffer
        yield return new("sign flips") { NegateBits = 8 };
        // ping-pong stage buffers, n values each
        yield return new("stage buffers") { BramBits = 2L * size * width };
        yield return new("control") { CarryAdderBits = counterBits, FixedLuts = costs.ControlLutsPerLayer, Ffs = counterBits + costs.ControlFfsPerLayer };
    }

    /// <summary>BatchNorm + Sign as thresholds on the outputs as they leave: a compare per lane and the constants.</summary>
    private static IEnumerable<ResourceTerm> Thresholds(int size, int width, int butterflies)
    {
        yield return new("thresholds") { ComparatorBits = 2.0 * butterflies * width, BramBits = (long)size * (width + 1) };
    }
}
