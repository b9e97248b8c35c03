namespace HwFlow.Compiler.Passes;

/// <summary>The pass pipelines, as plain ordered lists. The pass manager checks the order against each pass's Requires.</summary>
public static class Pipelines
{
    /// <summary>Model (layer graph) to the integer graph the hardware implements.</summary>
    public static IReadOnlyList<Pass> IntegerLowering() =>
    [
        new SplitConvolution(),
        new DropFlatten(),
        new DropOutputSigmoid(),
        new FuseBatchNormSign(),
        new LowerInput(),
        new FixpointGroup("lower-layers", "Lower every layer whose input is already integer, until none is left",
        [
            new LowerWindow(),
            new LowerLinear(),
            new Requantize(),
            new LowerBin(),
            new LowerWalshHadamard(),
            new LowerBatchNormSign(),
            new LowerSign(),
            new LowerRamp(),
            new LowerHardTanh(),
            new LowerSigmoid(),
            new LowerQuantLinear(),
            new LowerQuantizer(),
            new LowerAffine(),
        ]),
        new CheckLowered(),
        new LowerOutput(),
        new InferRanges(),
    ];

    /// <summary>Every pass of the integer-lowering pipeline by name, including those inside groups.</summary>
    public static IReadOnlyDictionary<string, Pass> ByName() =>
        IntegerLowering().SelectMany(p => p is FixpointGroup g ? g.Passes.Prepend(p) : [p])
            .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First());
}
