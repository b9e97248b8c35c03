using HwFlow.Runtime.Errors;

namespace HwFlow.Training;

/// <summary>What the first LinearLayer's weights are (`hwflow train --first-layer`).</summary>
public enum FirstLayerWeights
{
    /// <summary>Float weights plus a bias: the seed's LinearLayer (hbnn and float modes).</summary>
    Float,

    /// <summary>
    /// s(w) = +-1 of latent weights, no bias (the BatchNorm after it absorbs one). The hardware's
    /// first layer becomes an add/subtract tree and its weights one bit each; bnn always has it.
    /// </summary>
    Binary,

    /// <summary>
    /// No weights: seeded random signs and the fast Walsh-Hadamard transform (<see cref="TransformFront"/>),
    /// add/subtract butterflies in hardware; the first hidden width is the transform's size.
    /// </summary>
    WalshHadamard,
}

/// <summary>Parsing and the per-mode rule for <see cref="FirstLayerWeights"/>.</summary>
public static class FirstLayerChoice
{
    public static FirstLayerWeights Parse(string text) => text switch
    {
        "float" => FirstLayerWeights.Float,
        "binary" => FirstLayerWeights.Binary,
        "wht" => FirstLayerWeights.WalshHadamard,
        _ => throw new UserError($"--first-layer '{text}': expected float, binary or wht"),
    };

    public static string Name(FirstLayerWeights weights) => weights == FirstLayerWeights.WalshHadamard ? "wht" : weights.ToString().ToLowerInvariant();

    /// <summary>
    /// The first layer a mode trains: the requested one, or the mode's own when none was asked
    /// for (float for hbnn and float, binary for bnn). A float baseline cannot have a binary
    /// first layer, and a BNN's is binary by definition, so those two requests are refused.
    /// </summary>
    public static FirstLayerWeights Resolve(TrainingMode mode, FirstLayerWeights? requested) => (mode, requested) switch
    {
        (TrainingMode.Float, FirstLayerWeights.Binary) =>
            throw new UserError("--first-layer binary applies to --mode hbnn only (--mode float is the unbinarized baseline)"),
        (TrainingMode.Bnn, FirstLayerWeights.Float) =>
            throw new UserError("--first-layer float does not apply to --mode bnn (a BNN's first layer is always binary)"),
        (_, { } asked) => asked,
        (TrainingMode.Bnn, null) => FirstLayerWeights.Binary,
        _ => FirstLayerWeights.Float,
    };
}
