namespace HwFlow.Compiler.Hardware.Folding;

/// <summary>
/// The component each resource term belongs to: the unit of calibration. Terms of one kind of
/// hardware (a binary layer's popcounts, a bit-plane layer's, a window, a transform, FIFOs) share
/// a component, so one fitted scale per component corrects what the structural count misses for
/// that generator. bench/resource-fit.cs fits them against yosys; <see cref="ResourceCalibration"/> holds them.
/// </summary>
public static class ResourceComponents
{
    public const string DenseProducts = "dense products";
    public const string DenseSums = "dense sums";
    public const string BinaryGates = "binary gates";
    public const string BinaryPopcounts = "binary popcounts";
    public const string PlaneGates = "plane gates";
    public const string PlanePopcounts = "plane popcounts";
    public const string ChunkArithmetic = "chunk arithmetic";
    public const string Pow2Shifters = "pow2 shifters";
    public const string Accumulators = "accumulators";
    public const string InputBuffers = "input buffers";
    public const string Thresholds = "thresholds and output";
    public const string ChunkSums = "next-layer chunk sums";
    public const string Fifos = "stream FIFOs";
    public const string Control = "control";
    public const string Window = "conv window";
    public const string Pool = "max-pool";
    public const string Transform = "transform";
    public const string Argmax = "argmax";

    /// <summary>Every component, in the order the coefficient table lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        DenseProducts, DenseSums, BinaryGates, BinaryPopcounts, PlaneGates, PlanePopcounts, ChunkArithmetic, Pow2Shifters,
        Accumulators, InputBuffers, Thresholds, ChunkSums, Fifos, Control, Window, Pool, Transform, Argmax,
    ];

    /// <summary>The component of the term named <paramref name="part"/> in a layer of shape <paramref name="s"/>.</summary>
    public static string Of(LayerShape s, string part)
    {
        bool plane = s.Kind == LayerKind.Binary && (long)s.InputWidth * s.WeightWidth > 1;
        if (part.StartsWith("window", StringComparison.Ordinal)) return Window;
        if (part.StartsWith("max-pool", StringComparison.Ordinal)) return Pool;
        return part switch
        {
            "lane products (+-x)" or "lane products (shift-add)" => DenseProducts,
            "lane sums" => DenseSums,
            "weight gates" => plane ? PlaneGates : BinaryGates,
            "popcounts" => plane ? PlanePopcounts : BinaryPopcounts,
            "chunk counters" or "factor products" or "coefficient products" => ChunkArithmetic,
            "chunk shifters" => Pow2Shifters,
            "accumulators" or "group sums and accumulators" => Accumulators,
            "input buffer" => InputBuffers,
            "output stage" => Thresholds,
            "next-layer chunk sums" => ChunkSums,
            "stream FIFO" => Fifos,
            "control" => Control,
            "weight ROM" or "coefficient ROM" => InputBuffers, // block RAM bits only: no LUTs or flip-flops to scale
            _ when s.Kind == LayerKind.Transform => Transform,
            _ => Control,
        };
    }
}
