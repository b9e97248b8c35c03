namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// One structural part of a layer (a product array, an adder tree, a buffer, ...): the structure
/// it counts, one field per constant of <see cref="ResourceCosts"/>, and its flip-flops and
/// block-RAM bits. Kept apart so that a calibration against synthesis can fit each constant.
/// </summary>
public sealed record ResourceTerm(string Part)
{
    public double CarryAdderBits { get; init; }
    public double ComparatorBits { get; init; }
    public double FullAdderBits { get; init; }
    public double PopcountInputs { get; init; }
    public double WeightGates { get; init; }
    public double PartialProductBits { get; init; }
    public double NegateBits { get; init; }
    public double MuxBits { get; init; }
    public double FixedLuts { get; init; }
    public long Ffs { get; init; }
    public long BramBits { get; init; }

    /// <summary>The <see cref="ResourceComponents">component</see> whose fitted scale applies (null: unscaled).</summary>
    public string? Component { get; init; }

    /// <summary>LUTs, the component's fitted scale applied.</summary>
    public double Luts(ResourceCosts c) => RawLuts(c) * c.Calibration.LutScale(Component);

    /// <summary>Flip-flops, the component's fitted scale applied.</summary>
    public double ScaledFfs(ResourceCosts c) => Ffs * c.Calibration.FfScale(Component);

    /// <summary>LUTs as the structure counts them, before calibration.</summary>
    public double RawLuts(ResourceCosts c) =>
        CarryAdderBits * c.LutsPerCarryAdderBit + ComparatorBits * c.LutsPerComparatorBit + FullAdderBits * c.LutsPerFullAdderBit
        + PopcountInputs * c.LutsPerPopcountInput + WeightGates * c.LutsPerWeightGate + PartialProductBits * c.LutsPerPartialProductBit
        + NegateBits * c.LutsPerNegateBit + MuxBits * c.LutsPerMux2Bit + FixedLuts;
}

/// <summary>The estimate of one stage of the pipeline: LUTs are rounded up once, from the sum of its terms.</summary>
public sealed record StageResources(string Stage, long Luts, long Ffs, long BramBits, IReadOnlyList<ResourceTerm> Terms)
{
    public static StageResources Of(string stage, IReadOnlyList<ResourceTerm> terms, ResourceCosts costs) =>
        new(stage, (long)Math.Ceiling(terms.Sum(t => t.Luts(costs))), (long)Math.Round(terms.Sum(t => t.ScaledFfs(costs))), terms.Sum(t => t.BramBits), terms);
}

/// <summary>The estimate of a whole design: one entry per layer (in order), then the input stage and the argmax.</summary>
public sealed record DesignResources(IReadOnlyList<StageResources> Layers, IReadOnlyList<StageResources> Glue)
{
    public long Luts => Layers.Sum(l => l.Luts) + Glue.Sum(g => g.Luts);

    public long Ffs => Layers.Sum(l => l.Ffs) + Glue.Sum(g => g.Ffs);

    public long BramBits => Layers.Sum(l => l.BramBits) + Glue.Sum(g => g.BramBits);
}
