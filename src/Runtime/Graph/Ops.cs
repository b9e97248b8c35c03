namespace HwFlow.Runtime.Graph;

/// <summary>
/// The op names of the graph IR. Layer-level ops come straight from model layers and compute on
/// reals; integer ops are what the hardware implements. Exact meanings are in
/// <c>GraphExecutor</c> and in README's "Integer graph" section.
/// </summary>
public static class Ops
{
    // shared
    public const string Input = "input";
    public const string Output = "output";

    // layer level (reals)
    public const string Linear = "linear";
    public const string Bin = "bin";
    public const string BatchNorm = "batchnorm";
    public const string Ramp = "ramp";
    public const string Binarize = "binarize";
    public const string Sigmoid = "sigmoid";
    public const string Sign = "sign";
    public const string HardTanh = "hardtanh";

    /// <summary>A WalshHadamard (transform) layer: signs, zero padding, H, 2^-shift, optional diagonal.</summary>
    public const string WalshHadamard = "walsh-hadamard";

    /// <summary>sign(a * x + c) per element (a BatchNorm followed by a bipolar Sign).</summary>
    public const string AffineSign = "affine-sign";

    // layer level, imported QONNX / FINN models (QuantizedLayerNodes)
    public const string Affine = "affine";
    public const string Quant = "quant";
    public const string BipolarQuant = "bipolar-quant";
    public const string MultiThreshold = "multithreshold";
    public const string Trunc = "trunc";
    public const string Clip = "clip";
    public const string QuantLinear = "quant-linear";

    // image layers (reals); see ImageOps for the conventions
    public const string Conv2D = "conv2d";
    public const string BinConv2D = "bin-conv2d";
    public const string Flatten = "flatten";

    // data movement, on reals, integers or bits alike
    /// <summary>The sliding window (im2col): every output position's receptive field, padding the value 0.</summary>
    public const string Window = "window";

    /// <summary>Max over each window per channel; positions outside the input never win (on bits: OR).</summary>
    public const string MaxPool = "max-pool";

    // integer level
    public const string Dense = "dense";
    public const string Relu = "relu";
    public const string Clamp = "clamp";
    public const string Threshold = "threshold";
    public const string ChunkSum = "chunk-sum";
    public const string ChunkFactor = "chunk-factor";
    public const string BinDot = "bin-dot";

    /// <summary>Per chunk, the code of the power of two nearest the chunk mean (pow2 scales): 0 means a zero mean.</summary>
    public const string Pow2Exponent = "pow2-exponent";
    public const string Shift = "shift";
    public const string Scale = "scale";
    public const string PwlSigmoid = "pwl-sigmoid";
    public const string ArgMax = "argmax";

    /// <summary>base + the number of thresholds t[j, k] with dir_j * x_j &gt;= t[j, k]: an n-bit activation (IntegerOps.Thresholds).</summary>
    public const string Thresholds = "thresholds";

    /// <summary>bias_j + sum_i x_i W_ij for narrow integers x and W, as AND-popcounts of their bit planes with shifts (PlaneDot).</summary>
    public const string PlaneDot = "plane-dot";

    /// <summary>The operand's integer values (bits read as 0/1 or -1/+1) followed by zeros, up to the type's length.</summary>
    public const string ZeroPad = "zero-pad";

    /// <summary>One stage of the fast Walsh-Hadamard transform: (a + b, a - b) over pairs span apart, after optional +-1 signs.</summary>
    public const string Butterfly = "butterfly";

    public static readonly IReadOnlySet<string> LayerLevel = new HashSet<string>
    {
        Linear, Bin, BatchNorm, Ramp, Binarize, Sigmoid, Sign, HardTanh, AffineSign, WalshHadamard, Conv2D, BinConv2D, Flatten,
        Affine, Quant, BipolarQuant, MultiThreshold, Trunc, Clip, QuantLinear,
    };

    /// <summary>Ops that move values without computing on them: they run on every value kind and keep it.</summary>
    public static readonly IReadOnlySet<string> Movement = new HashSet<string> { Window, MaxPool };

    public static readonly IReadOnlySet<string> IntegerLevel = new HashSet<string>
    {
        Dense, Relu, Clamp, Threshold, ChunkSum, ChunkFactor, BinDot, Pow2Exponent, Shift, Scale, PwlSigmoid, ArgMax,
        Thresholds, PlaneDot, ZeroPad, Butterfly,
    };
}
