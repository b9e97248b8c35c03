using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;

namespace HwFlow.Compiler.Lowering;

/// <summary>The knobs of integer lowering. Defaults are chosen so `--scales exact` keeps top-1 agreement with the float model.</summary>
public sealed record CompileOptions
{
    /// <summary>Bits of the signed constants a LinearLayer's real weights are quantized to (unless they are already +-c).</summary>
    public int FirstLayerBits { get; init; } = 10;

    /// <summary>Bits of the signed fixed-point chunk-scale coefficients of binary layers (exact mode).</summary>
    public int CoefBits { get; init; } = 12;

    /// <summary>Activations feeding a Hadamard binarization are shifted right until they fit this many bits.</summary>
    public int ActivationBits { get; init; } = 26;

    /// <summary>Fraction bits of the piecewise-linear sigmoid's output (scores output only).</summary>
    public int SigmoidFractionBits { get; init; } = 15;

    /// <summary>Chunk-scale lowering; null takes the model's own mode.</summary>
    public ScaleMode? Scales { get; init; }

    public void Validate()
    {
        Check(FirstLayerBits, 2, 16, "--first-layer-bits");
        Check(CoefBits, 2, 24, "--coef-bits");
        Check(ActivationBits, 4, 40, "--activation-bits");
        Check(SigmoidFractionBits, 5, 30, "--sigmoid-frac-bits");
    }

    private static void Check(int value, int min, int max, string option)
    {
        if (value < min || value > max) throw new UserError($"{option} must be between {min} and {max}, got {value}");
    }
}
