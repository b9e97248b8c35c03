using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>The learned diagonal between stacked Walsh-Hadamard transforms (Fastfood's G), and how it is quantized.</summary>
public enum TransformDiagonal
{
    /// <summary>No diagonal: the transforms follow each other directly.</summary>
    None,

    /// <summary>+-1 per element, s(g) of a latent g (a learned sign flip: free in hardware).</summary>
    Sign,

    /// <summary>+-2^e per element, the power of two nearest |g| (a shift in hardware).</summary>
    Pow2,

    /// <summary>g itself (a constant product in hardware: shift-add over --coef-bits).</summary>
    Real,
}

/// <summary>
/// `--first-layer wht`: the first LinearLayer replaced by <see cref="Stack"/> WalshHadamard layers
/// (D H, each with its own seeded signs D) of size = the first hidden width, with a learned
/// <see cref="Diagonal"/> after every transform but the last (the BatchNorm after the last one
/// already scales each element). The transform itself has nothing to learn.
/// </summary>
public sealed record TransformFront(int Stack = 1, TransformDiagonal Diagonal = TransformDiagonal.None)
{
    public const int MaxStack = 8;

    public static TransformFront Default { get; } = new();

    public static TransformDiagonal ParseDiagonal(string text) => text switch
    {
        "none" => TransformDiagonal.None,
        "sign" => TransformDiagonal.Sign,
        "pow2" => TransformDiagonal.Pow2,
        "real" => TransformDiagonal.Real,
        _ => throw new UserError($"--wht-diagonal '{text}': expected none, sign, pow2 or real"),
    };

    public static string Name(TransformDiagonal diagonal) => diagonal.ToString().ToLowerInvariant();

    /// <summary>Refuses a front that cannot be built, or transform options without a transform first layer.</summary>
    public void Validate(Architecture architecture, FirstLayerWeights firstLayer)
    {
        if (firstLayer != FirstLayerWeights.WalshHadamard)
        {
            if (this != Default) throw new UserError("--wht-stack and --wht-diagonal apply to --first-layer wht only");
            return;
        }
        int inputs = architecture.Inputs, size = architecture.Widths[1];
        if (!WalshHadamardTransform.IsPowerOfTwo(size) || size < inputs)
            throw new UserError($"--first-layer wht: the first hidden width of --arch {architecture} is the transform's size and must be a power of two of at least the {inputs} inputs (e.g. {inputs}-{WalshHadamardTransform.PaddedSize(inputs)}-...), got {size}");
        if (Stack < 1 || Stack > MaxStack) throw new UserError($"--wht-stack must be between 1 and {MaxStack}, got {Stack}");
        if (Stack == 1 && size > WalshHadamardTransform.PaddedSize(inputs))
            throw new UserError($"--first-layer wht: one transform of {inputs} inputs zero-padded to {size} repeats its first {WalshHadamardTransform.PaddedSize(inputs)} outputs; use size {WalshHadamardTransform.PaddedSize(inputs)}, or --wht-stack 2 or more to mix them");
        if (Diagonal != TransformDiagonal.None && Stack == 1)
            throw new UserError($"--wht-diagonal {Name(Diagonal)} sits between stacked transforms and needs --wht-stack 2 or more (after the last transform the BatchNorm scales every element already)");
    }

    /// <summary>Shift of a transform of <paramref name="size"/>: 2^-shift is within sqrt(2) of 1/sqrt(size), keeping the vector's length.</summary>
    public static int ShiftFor(int size) => System.Numerics.BitOperations.Log2((uint)size) / 2;
}
