namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// One structural part of a layer (a product array, an adder tree, a buffer, ...): the structure
/// it counts (adder, gate and 2:1 multiplexer bits, fixed LUTs) and what that costs. Kept apart so
/// that a calibration against synthesis can fit each constant of <see cref="ResourceCosts"/>.
/// </summary>
public sealed record ResourceTerm(
    string Part,
    double AdderBits,
    double GateBits,
    double MuxBits,
    double FixedLuts,
    long Ffs,
    long BramBits)
{
    public double Luts(ResourceCosts costs) =>
        AdderBits * costs.LutsPerAdderBit + GateBits * costs.LutsPerGateBit + MuxBits * costs.LutsPerMux2Bit + FixedLuts;
}

/// <summary>The estimate of one stage of the pipeline: LUTs are rounded up once, from the sum of its terms.</summary>
public sealed record StageResources(string Stage, long Luts, long Ffs, long BramBits, IReadOnlyList<ResourceTerm> Terms)
{
    public static StageResources Of(string stage, IReadOnlyList<ResourceTerm> terms, ResourceCosts costs) =>
        new(stage, (long)Math.Ceiling(terms.Sum(t => t.Luts(costs))), terms.Sum(t => t.Ffs), terms.Sum(t => t.BramBits), terms);
}

/// <summary>The estimate of a whole design: one entry per layer (in order), then the input stage and the argmax.</summary>
public sealed record DesignResources(IReadOnlyList<StageResources> Layers, IReadOnlyList<StageResources> Glue)
{
    public long Luts => Layers.Sum(l => l.Luts) + Glue.Sum(g => g.Luts);

    public long Ffs => Layers.Sum(l => l.Ffs) + Glue.Sum(g => g.Ffs);

    public long BramBits => Layers.Sum(l => l.BramBits) + Glue.Sum(g => g.BramBits);
}
